import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../platform/database/database-schema.js';
import type { Logger } from '../platform/observability/logger.js';
import { mastercardSignerFromConfig } from '../mastercard-signer-settings.js';
import type { Metrics } from '../platform/observability/metrics.js';
import { EthocaOutcomeClient } from './ethoca-outcome-client.js';
import { OutcomeDispatcher } from './outcome-dispatcher.js';

export interface OutcomeDispatch {
  /** Stops claiming outcomes and waits for the batches in flight. */
  stop(): Promise<void>;
  describe: string;
}

/**
 * The worker role's sender: delivers the outbox's outcomes to Ethoca's Outcome API. Returns
 * undefined, with the reason, when Ethoca is not configured (development only; configuration
 * refuses it elsewhere): outcomes then wait in the outbox, which loses none of them.
 */
export async function startOutcomeDispatch(deps: {
  config: Config;
  db: Kysely<Database>;
  logger: Logger;
  metrics: Metrics;
}): Promise<OutcomeDispatch | { disabled: string }> {
  const { config } = deps;
  const signer = await mastercardSignerFromConfig(config);
  if (config.ETHOCA_OUTCOME_URL === undefined || signer === undefined) {
    const missing = [
      config.ETHOCA_OUTCOME_URL === undefined ? 'ETHOCA_OUTCOME_URL' : undefined,
      signer === undefined ? 'MASTERCARD_CONSUMER_KEY' : undefined,
    ].filter((name) => name !== undefined);
    return {
      disabled: `outcome dispatch is off: ${missing.join(', ')} not set (pnpm start provides local simulators)`,
    };
  }
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
    describe: `outcome dispatch on (Ethoca ${config.ETHOCA_OUTCOME_URL}, batches of ${config.OUTCOME_BATCH_SIZE})`,
    stop: () => dispatcher.stop(),
  };
}
