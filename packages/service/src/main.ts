// Process entry: configuration, database, HTTP server, signals. The only file with side effects
// at start. dd-trace is not imported here: Node loads it before this file (see platform/observability/tracing.ts).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SERVICE_READY, type ServiceReadyMessage } from '@mastercom/contracts';
import { createApp, type WebhookSettings } from './app.js';
import { parseApiTokens } from './access/api-tokens.js';
import { httpsServerOptions } from './alerts/authentication/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDatabase } from './platform/database/database.js';
import { tracingProblem } from './platform/observability/tracing.js';
import { createHttpServer, drainServer } from './platform/http/http-server.js';
import { createLogger, stdoutDestination } from './platform/observability/logger.js';
import { createMetrics } from './platform/observability/metrics.js';
import { migrateDatabase } from './platform/database/migrate-database.js';
import { createProducer } from './platform/database/queue.js';
import { ShutdownState } from './platform/http/shutdown.js';
import { startOutcomeDispatch } from './outcomes/start-outcome-dispatch.js';
import { startProcessing } from './processing/start-processing.js';
import { mastercomClientFromConfig, startMastercomSync } from './mastercom/start-mastercom.js';
import { webhookSettings } from './webhook-settings.js';

function readConfig(): { config: Config; webhook: WebhookSettings } {
  try {
    const config = loadConfig();
    const tracing = tracingProblem(config.DD_TRACE_ENABLED);
    if (tracing !== undefined) throw new ConfigError([tracing]);
    return { config, webhook: webhookSettings(config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mastercom-service refuses to start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const { config, webhook } = readConfig();
  const logger = createLogger(
    {
      level: config.LOG_LEVEL,
      service: 'mastercom-service',
      version: config.SERVICE_VERSION,
      env: config.DD_ENV,
    },
    stdoutDestination(),
  );
  const metrics = createMetrics({
    agentHost: config.DD_AGENT_HOST,
    port: config.DD_DOGSTATSD_PORT,
    globalTags: { service: 'mastercom-service', ...(config.DD_ENV ? { env: config.DD_ENV } : {}) },
  });

  // Configuration refuses to load without it; `pnpm start` (packages/devstack) provides one.
  const databaseUrl = config.DATABASE_URL ?? '';
  const database = createDatabase({
    url: databaseUrl,
    poolMax: config.DATABASE_POOL_MAX,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  if (config.DATABASE_MIGRATE_ON_START) {
    const applied = await migrateDatabase(databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  }
  const queue = createProducer(databaseUrl);
  queue.on('error', (error) => {
    logger.error({ err: error }, 'queue error');
  });
  await queue.start();

  // Configuration demands tokens outside development; on a laptop a fresh admin token per start
  // is enough to try every flow, and it is printed in the start line for that reason.
  const devToken =
    config.API_TOKENS.length === 0 ? `dev-${randomBytes(12).toString('hex')}` : undefined;
  const apiTokens =
    devToken === undefined
      ? parseApiTokens(config.API_TOKENS, config.NODE_ENV === 'development').tokens
      : [{ role: 'admin' as const, token: devToken }];
  const processing =
    config.SERVICE_ROLE === 'web'
      ? { disabled: 'processing is off: web role' }
      : await startProcessing({ config, databaseUrl, db: database.db, logger, metrics });
  if ('disabled' in processing) logger.warn(processing.disabled);
  const outcomeDispatch =
    config.SERVICE_ROLE === 'web'
      ? { disabled: 'outcome dispatch is off: web role' }
      : await startOutcomeDispatch({ config, db: database.db, logger, metrics });
  if ('disabled' in outcomeDispatch) logger.warn(outcomeDispatch.disabled);
  const mastercomClient = await mastercomClientFromConfig(config, logger);
  const mastercomSync =
    'disabled' in mastercomClient
      ? { disabled: mastercomClient.disabled }
      : config.SERVICE_ROLE === 'web'
        ? { disabled: 'Mastercom sync is off: web role' }
        : startMastercomSync({ config, client: mastercomClient, db: database.db, logger, metrics });
  if ('disabled' in mastercomSync) logger.warn(mastercomSync.disabled);
  const shutdownState = new ShutdownState();
  const app = createApp({
    db: database.db,
    queue,
    shutdown: shutdownState,
    logger,
    metrics,
    version: config.SERVICE_VERSION,
    webhook,
    apiTokens,
    mastercom: {
      client: 'disabled' in mastercomClient ? undefined : mastercomClient,
      documentMaxBytes: config.MASTERCOM_DOCUMENT_MAX_BYTES,
      keyExpiresAt: config.MASTERCOM_KEY_EXPIRES_AT,
    },
  });
  // Without a client CA the service only terminates TLS; with one it asks for Ethoca's
  // certificate, which the webhook route checks (alerts/authentication).
  const tls =
    config.TLS_CERT === undefined || config.TLS_KEY === undefined
      ? undefined
      : config.TLS_CLIENT_CA === undefined
        ? { cert: config.TLS_CERT, key: config.TLS_KEY, minVersion: 'TLSv1.2' as const }
        : httpsServerOptions({
            certPem: config.TLS_CERT,
            keyPem: config.TLS_KEY,
            caBundlePem: config.TLS_CLIENT_CA,
          });
  const server = createHttpServer(app, {
    headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    tls,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const scheme = tls ? 'https' : 'http';
  logger.info(
    { port, startupMs: Math.round(performance.now() - startedAt) },
    `mastercom-service ${config.SERVICE_VERSION} (${config.SERVICE_ROLE}) ready on ${scheme}://127.0.0.1:${port} using PostgreSQL at ${redactUrl(databaseUrl)}; ` +
      `${'disabled' in processing ? processing.disabled : processing.describe}; ` +
      `${'disabled' in outcomeDispatch ? outcomeDispatch.disabled : outcomeDispatch.describe}; ` +
      `${'disabled' in mastercomSync ? mastercomSync.disabled : mastercomSync.describe}; ` +
      `send a sample alert with: pnpm alerts:send --url ${scheme}://127.0.0.1:${port}` +
      (devToken === undefined
        ? ''
        : `; read alerts with: curl -H 'authorization: Bearer ${devToken}' ${scheme}://127.0.0.1:${port}/api/v6/alerts (development admin token), or sign in with it at ${scheme}://127.0.0.1:${port}/desk`),
  );
  // The readiness signal for a launcher that started this process with an IPC channel.
  const ready: ServiceReadyMessage = {
    type: SERVICE_READY,
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    role: config.SERVICE_ROLE,
    version: config.SERVICE_VERSION,
  };
  process.send?.(ready);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    shutdownState.beginShutdown();
    logger.info(
      { signal, graceMs: config.SHUTDOWN_GRACE_MS },
      'shutting down: readiness is 503, draining requests',
    );
    // drainServer serves on until the kernel holds no connection the process has not accepted,
    // then closes the listener, and ends each open connection after its next answer.
    const drained = await drainServer(server, config.SHUTDOWN_GRACE_MS);
    if (!('disabled' in processing)) await processing.stop().catch(() => undefined);
    if (!('disabled' in outcomeDispatch)) await outcomeDispatch.stop().catch(() => undefined);
    if (!('disabled' in mastercomSync)) await mastercomSync.stop().catch(() => undefined);
    await queue.stop({ graceful: true, timeout: 5000 }).catch(() => undefined);
    await database.close();
    logger.info({ drained }, 'stopped');
    // The metrics client buffers; closing flushes what is pending before the process ends.
    await new Promise<void>((resolve) => {
      metrics.close(() => resolve());
      setTimeout(resolve, 1000).unref();
    });
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      void shutdown(signal);
    });
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

await main();
