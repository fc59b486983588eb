import { sql, type Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { checkKeyExpiry } from '../mastercom/key-expiry.js';
import type { Database } from '../platform/database/database-schema.js';
import type { Metrics } from '../platform/observability/metrics.js';
import { pendingMigrations } from '../platform/database/database.js';
import { PROCESS_ALERT_QUEUE } from '../platform/database/queue.js';
import type { ShutdownState } from '../platform/http/shutdown.js';

export interface CheckResult {
  status: 'ok' | 'fail' | 'warn';
  latencyMs?: number;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface ReadinessDeps {
  db: Kysely<Database>;
  queue: PgBoss;
  shutdown: ShutdownState;
  checkTimeoutMs: number;
  /** When the Mastercard API key expires (`yyyy-mm-dd`); adds a `warn`-only check. */
  mastercardKeyExpiresAt?: string | undefined;
  metrics?: Pick<Metrics, 'gauge'>;
}

/**
 * Readiness: the database answers within the timeout, this build's migrations have all run, and
 * the processing queue exists. Shutdown makes the service unready at once, without any I/O.
 */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  if (deps.shutdown.shuttingDown) {
    return { ready: false, checks: { shutdown: { status: 'fail', detail: 'shutting down' } } };
  }
  const [database, migrations, queue] = await Promise.all([
    timed(deps.checkTimeoutMs, async () => {
      await sql`SELECT 1`.execute(deps.db);
    }),
    timed(deps.checkTimeoutMs, async () => {
      const pending = await pendingMigrations(deps.db);
      if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
    }),
    timed(deps.checkTimeoutMs, async () => {
      if ((await deps.queue.getQueue(PROCESS_ALERT_QUEUE)) === null) {
        throw new Error(`queue ${PROCESS_ALERT_QUEUE} does not exist; run migrations`);
      }
    }),
  ]);
  const checks: Record<string, CheckResult> = { database, migrations, queue };
  if (deps.mastercardKeyExpiresAt !== undefined) {
    const { status, detail } = checkKeyExpiry(deps.mastercardKeyExpiresAt, deps.metrics);
    checks.mastercardKey = { status, detail };
  }
  // A warning (an API key close to expiry) is for people, not for the load balancer.
  return { ready: Object.values(checks).every((check) => check.status !== 'fail'), checks };
}

async function timed(timeoutMs: number, check: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'fail',
      latencyMs: Math.round(performance.now() - started),
      detail: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
