import type { Kysely } from 'kysely';
import { PgBoss } from 'pg-boss';
import type { Config } from '../config.js';
import type { Database } from '../platform/database/database-schema.js';
import type { Logger } from '../platform/observability/logger.js';
import type { Metrics } from '../platform/observability/metrics.js';
import { startAlertWorker } from './alert-worker.js';
import { DeadlineWatch } from './deadline-watch.js';
import { HttpRefundGateway } from './http-refund-gateway.js';
import { PostgresMerchantLedger } from './merchant-ledger.js';

export interface Processing {
  /** Stops taking jobs and lets running ones finish. */
  stop(): Promise<void>;
  describe: string;
}

/**
 * The worker role's processing: consumes the alerts' jobs (match, decide, refund, record the
 * outcome) and watches the 24-hour deadline. Returns undefined, with the reason, when the PSP is
 * not configured (development only; configuration refuses it elsewhere), so a developer can still
 * run the receiver on its own. The outcomes it records are sent by `outcomes/`.
 */
export async function startProcessing(deps: {
  config: Config;
  databaseUrl: string;
  db: Kysely<Database>;
  logger: Logger;
  metrics: Metrics;
}): Promise<Processing | { disabled: string }> {
  const { config } = deps;
  if (config.PSP_URL === undefined) {
    return {
      disabled: 'processing is off: PSP_URL not set (pnpm start provides local simulators)',
    };
  }

  // The worker's own pg-boss instance supervises: it runs the monitor that retries the jobs of a
  // worker that stopped heartbeating, and LISTEN/NOTIFY wakes it as soon as an alert is stored.
  const queue = new PgBoss({
    connectionString: deps.databaseUrl,
    supervise: true,
    schedule: false,
    migrate: false,
    useListenNotify: true,
    monitorIntervalSeconds: 10,
    superviseIntervalSeconds: 10,
    max: config.WORKER_CONCURRENCY + 2,
  });
  queue.on('error', (error) => {
    deps.logger.error({ err: error }, 'worker queue error');
  });
  await queue.start();
  const processing = {
    db: deps.db,
    ledger: new PostgresMerchantLedger(deps.db, config.MATCH_WINDOW_HOURS),
    refunds: new HttpRefundGateway({
      baseUrl: config.PSP_URL,
      apiKey: config.PSP_API_KEY,
      timeoutMs: config.PSP_TIMEOUT_MS,
    }),
    policy: { refundCeilings: config.REFUND_CEILINGS },
    unmatchedHoldMs: config.UNMATCHED_HOLD_MINUTES * 60_000,
  };
  await startAlertWorker(
    queue,
    { ...processing, logger: deps.logger, metrics: deps.metrics },
    { concurrency: config.WORKER_CONCURRENCY },
  );
  const watch = new DeadlineWatch(
    { db: deps.db, logger: deps.logger, metrics: deps.metrics },
    { intervalMs: 30_000 },
  );
  watch.start();
  return {
    describe: `processing on (PSP ${config.PSP_URL}, ${config.WORKER_CONCURRENCY} workers)`,
    async stop() {
      await watch.stop();
      await queue.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
