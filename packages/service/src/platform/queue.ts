import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { PgBoss, type JobInsert } from 'pg-boss';
import type { Database } from './database-schema.js';

/** The queue that carries one job per newly stored alert to the processing worker. */
export const PROCESS_ALERT_QUEUE = 'process-alert';

export interface ProcessAlertJob {
  alertId: string;
}

/**
 * Creates pg-boss's schema and our queue. Part of `migrate`, so a service that starts with
 * migrations switched off never has to create schema objects.
 */
export async function installQueueSchema(connectionString: string): Promise<void> {
  const boss = new PgBoss({
    connectionString,
    supervise: false,
    schedule: false,
    migrate: true,
    max: 2,
  });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    if ((await boss.getQueue(PROCESS_ALERT_QUEUE)) === null) {
      await boss.createQueue(PROCESS_ALERT_QUEUE);
    }
  } finally {
    await boss.stop({ graceful: false });
  }
}

/**
 * A pg-boss instance for producing jobs from the web role. It neither supervises nor migrates:
 * maintenance belongs to the worker role and schema changes to `migrate`.
 */
export function createProducer(connectionString: string): PgBoss {
  const boss = new PgBoss({
    connectionString,
    supervise: false,
    schedule: false,
    migrate: false,
    max: 2,
  });
  return boss;
}

/**
 * Enqueues jobs through the caller's transaction, so an alert row and its processing job commit
 * together or not at all: no accepted alert can be left without its job.
 */
export async function enqueueInTransaction(
  boss: PgBoss,
  trx: Transaction<Database> | Kysely<Database>,
  jobs: JobInsert<ProcessAlertJob>[],
): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(PROCESS_ALERT_QUEUE, jobs, {
    db: {
      executeSql: async (text, values) => {
        const result = await trx.executeQuery(CompiledQuery.raw(text, values ?? []));
        return { rows: result.rows };
      },
    },
  });
}
