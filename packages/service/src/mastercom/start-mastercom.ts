import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../platform/database/database-schema.js';
import type { Logger } from '../platform/observability/logger.js';
import { mastercardSignerFromConfig } from '../mastercard-signer-settings.js';
import type { Metrics } from '../platform/observability/metrics.js';
import { checkKeyExpiry } from './key-expiry.js';
import { MastercomClient } from './mastercom-client.js';
import { MastercomQueueSync } from './queue-sync/queue-sync.js';
import { MastercomSyncScheduler } from './sync-scheduler.js';

/**
 * The Mastercom client the configuration describes, or the reason there is none (development
 * without MASTERCOM_URL or a signing key; `pnpm start` provides both).
 */
export async function mastercomClientFromConfig(
  config: Config,
  logger: Logger,
): Promise<MastercomClient | { disabled: string }> {
  if (config.MASTERCOM_URL === undefined)
    return { disabled: 'Mastercom is off: MASTERCOM_URL not set' };
  const signer = await mastercardSignerFromConfig(config);
  if (signer === undefined)
    return { disabled: 'Mastercom is off: MASTERCARD_CONSUMER_KEY not set' };
  return new MastercomClient({
    baseUrl: config.MASTERCOM_URL,
    signer,
    timeoutMs: config.MASTERCOM_TIMEOUT_MS,
    maxAttempts: config.MASTERCOM_MAX_ATTEMPTS,
    backoffBaseMs: config.MASTERCOM_BACKOFF_BASE_MS,
    backoffCapMs: config.MASTERCOM_BACKOFF_CAP_MS,
    logger: logger.child({ component: 'mastercom' }),
  });
}

/** The worker role's periodic queue sync; also republishes the key-expiry gauge each day. */
export function startMastercomSync(deps: {
  config: Config;
  client: MastercomClient;
  db: Kysely<Database>;
  logger: Logger;
  metrics: Metrics;
}): { stop(): Promise<void>; describe: string } {
  const { config } = deps;
  const sync = new MastercomQueueSync(
    { db: deps.db, client: deps.client, logger: deps.logger, metrics: deps.metrics },
    { queues: config.MASTERCOM_QUEUES, lookbackDays: config.MASTERCOM_SYNC_LOOKBACK_DAYS },
  );
  const scheduler = new MastercomSyncScheduler(
    { sync, logger: deps.logger, metrics: deps.metrics },
    { intervalMs: config.MASTERCOM_SYNC_INTERVAL_SECONDS * 1000 },
  );
  scheduler.start();
  const expiresAt = config.MASTERCOM_KEY_EXPIRES_AT;
  const publishExpiry = () => {
    if (expiresAt === undefined) return;
    const check = checkKeyExpiry(expiresAt, deps.metrics);
    if (check.status === 'warn')
      deps.logger.warn({ daysRemaining: check.daysRemaining }, check.detail);
  };
  publishExpiry();
  const expiryTimer = setInterval(publishExpiry, 86_400_000);
  expiryTimer.unref();
  return {
    describe: `Mastercom sync of ${config.MASTERCOM_QUEUES.join(', ')} every ${String(config.MASTERCOM_SYNC_INTERVAL_SECONDS)} s at ${deps.client.baseUrl}`,
    async stop() {
      clearInterval(expiryTimer);
      await scheduler.stop();
    },
  };
}
