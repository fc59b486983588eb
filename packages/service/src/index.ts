// What other workspace packages (the test suites, the bench) use of the service. The service
// itself starts from main.ts.
export { createApp, type AppDeps, type MastercomSettings, type WebhookSettings } from './app.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { webhookSettings } from './webhook-settings.js';
export { createDatabase, migrateToLatest, type DatabaseHandle } from './platform/database.js';
export { migrateDatabase } from './platform/migrate-database.js';
export { createProducer, PROCESS_ALERT_QUEUE } from './platform/queue.js';
export { createLogger, type Logger } from './platform/logger.js';
export { createMetrics, type Metrics } from './platform/metrics.js';
export { Lifecycle } from './platform/shutdown.js';
export { WebhookStats } from './alerts/webhook-stats.js';
export { httpsServerOptions, type DeliveryAuthOptions } from './alerts/authentication/index.js';
export { createHttpServer, type HttpServerOptions } from './platform/http-server.js';
export { MastercomClient, type MastercomClientOptions } from './mastercom/mastercom-client.js';
export { MastercomError } from './mastercom/mastercom-error.js';
export { MastercomQueueSync, type QueueSyncResult } from './mastercom/queue-sync.js';
export { PostgresDocumentStorage, type DocumentStorage } from './mastercom/document-storage.js';
export { createMastercardSigner, type MastercardSigner } from './platform/mastercard-signing.js';
