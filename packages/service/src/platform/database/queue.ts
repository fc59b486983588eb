import { PgBoss } from 'pg-boss';
// pg-boss's statement builders: the job insert below is pg-boss's own, for the exact version
// installed (pinned in package.json), not a copy of its columns that could drift from its schema.
import { insertJobs, notifyChannelSql } from 'pg-boss/dist/plans.js';

/** The queue that carries one job per newly stored alert to the processing worker. */
export const PROCESS_ALERT_QUEUE = 'process-alert';

export interface ProcessAlertJob {
  alertId: string;
}

/**
 * The queue's policy. pg-boss's defaults (a 15-minute expiry, two retries without delay) are
 * wrong for alerts, which must reach an outcome within hours and whose worker may be killed at
 * any moment: a worker heartbeats every 5 s and a job whose worker stopped heartbeating for 10 s
 * is retried; retries back off exponentially up to 10 minutes, 20 times, which spans the hours a
 * PSP or database outage may last.
 */
export const PROCESS_ALERT_QUEUE_POLICY = {
  retryLimit: 20,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 300,
  heartbeatSeconds: 10,
  notify: true,
} as const;

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
      await boss.createQueue(PROCESS_ALERT_QUEUE, PROCESS_ALERT_QUEUE_POLICY);
    } else {
      // pg-boss fixes heartbeatSeconds and retryDelayMax when a queue is created; the rest of the
      // policy follows this file on every migrate.
      const {
        heartbeatSeconds: _fixed,
        retryDelayMax: _fixedToo,
        ...updatable
      } = PROCESS_ALERT_QUEUE_POLICY;
      await boss.updateQueue(PROCESS_ALERT_QUEUE, updatable);
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

/** pg-boss's default schema, which every PgBoss instance of this service uses. */
const QUEUE_SCHEMA = 'pgboss';

/** Where pg-boss's job insert reads its jobs from; replaced by a sub-select in `jobInsertSql`. */
const JOBS_PARAMETER = 'json_to_recordset($1::text::json)';

/**
 * The pieces of one statement that stores alerts and enqueues their jobs, for the receiver's
 * single-statement ingest: `insertFrom(jsonArraySql)` is pg-boss's own INSERT of process-alert
 * jobs (same columns and queue defaults as `boss.insert`), reading its jobs from a JSON array
 * expression instead of a parameter, with `RETURNING id`; `notify` is the NOTIFY that wakes the
 * workers, as pg-boss sends for a queue with `notify: true`.
 */
export interface JobInsertSql {
  insertFrom(jsonArraySql: string): string;
  readonly notify: string;
}

/**
 * Builds the job insert for the process-alert queue. It needs the queue's table, which pg-boss
 * keeps in its queue registry, so it asks once per call; callers keep the result.
 */
export async function processAlertJobInsertSql(boss: PgBoss): Promise<JobInsertSql> {
  const queue = await boss.getQueue(PROCESS_ALERT_QUEUE);
  if (queue === null) {
    throw new Error(`queue ${PROCESS_ALERT_QUEUE} does not exist: run the migrations first`);
  }
  const insert = insertJobs(QUEUE_SCHEMA, {
    table: queue.table,
    name: PROCESS_ALERT_QUEUE,
    returnId: true,
    notify: false,
  });
  if (insert.split(JOBS_PARAMETER).length !== 2) {
    // A pg-boss upgrade changed its insert statement; the ingest cannot embed it any more.
    throw new Error(`pg-boss's job insert no longer reads its jobs from ${JOBS_PARAMETER}`);
  }
  return {
    insertFrom: (jsonArraySql) =>
      insert.replace(JOBS_PARAMETER, () => `json_to_recordset((${jsonArraySql})::json)`),
    notify: `pg_notify(${notifyChannelSql(QUEUE_SCHEMA)}, '${PROCESS_ALERT_QUEUE}')`,
  };
}
