import type { Kysely } from 'kysely';
import { PgBoss } from 'pg-boss';
import type { Config } from '../config.js';
import { EthocaOutcomeClient } from '../outcomes/ethoca-outcome-client.js';
import { OutcomeDispatcher } from '../outcomes/outcome-dispatcher.js';
import type { Database } from '../platform/database-schema.js';
import type { Logger } from '../platform/logger.js';
import { mastercardSignerFromConfig } from '../platform/mastercard-signing.js';
import type { Metrics } from '../platform/metrics.js';
import { startAlertWorker } from './alert-worker.js';
import { DeadlineWatch } from './deadline-watch.js';
import { HttpRefundGateway } from './http-refund-gateway.js';
import { PostgresMerchantLedger } from './merchant-ledger.js';

export interface Processing {
  /** Stops taking jobs, lets running ones finish, stops sending outcomes. */
  stop(): Promise<void>;
  describe: string;
}

/**
 * The worker role: consumes processing jobs and delivers outcomes. Returns undefined, with the
 * reason, when the PSP or Ethoca is not configured (development only; configuration refuses it
 * elsewhere), so a developer can still run the receiver on its own.
 */
export async function startProcessing(deps: {
  config: Config;
  databaseUrl: string;
  db: Kysely<Database>;
  logger: Logger;
  metrics: Metrics;
}): Promise<Processing | { disabled: string }> {
  const { config } = deps;
  const signer = await mastercardSignerFromConfig(config);
  const missing = [
    config.PSP_URL === undefined ? 'PSP_URL' : undefined,
    config.ETHOCA_OUTCOME_URL === undefined ? 'ETHOCA_OUTCOME_URL' : undefined,
    signer === undefined ? 'MASTERCARD_CONSUMER_KEY' : undefined,
  ].filter((name) => name !== undefined);
  if (
    config.PSP_URL === undefined ||
    config.ETHOCA_OUTCOME_URL === undefined ||
    signer === undefined
  ) {
    return {
      disabled: `processing is off: ${missing.join(', ')} not set (pnpm start provides local simulators)`,
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
  const dispatcher = new OutcomeDispatcher(
    {
      db: deps.db,
      sender: new EthocaOutcomeClient({
        baseUrl: config.ETHOCA_OUTCOME_URL,
        signer,
        timeoutMs: config.ETHOCA_TIMEOUT_MS,
      }),
      logger: deps.logger,
      metrics: deps.metrics,
    },
    {
      batchSize: config.OUTCOME_BATCH_SIZE,
      concurrency: config.OUTCOME_CONCURRENCY,
      flushIntervalMs: config.OUTCOME_FLUSH_INTERVAL_MS,
      leaseMs: config.OUTCOME_LEASE_MS,
      backoffBaseMs: config.OUTCOME_BACKOFF_BASE_MS,
      backoffCapMs: config.OUTCOME_BACKOFF_CAP_MS,
      retryBudgetMs: config.OUTCOME_RETRY_BUDGET_HOURS * 3_600_000,
    },
  );
  dispatcher.start();
  return {
    describe: `processing on (PSP ${config.PSP_URL}, Ethoca ${config.ETHOCA_OUTCOME_URL}, ${config.WORKER_CONCURRENCY} workers)`,
    async stop() {
      await watch.stop();
      await dispatcher.stop();
      await queue.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
