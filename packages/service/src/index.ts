// What other workspace packages (the test suites, the bench) use of the service. The service
// itself starts from main.ts.
export { createApp, type AppDeps, type MastercomSettings, type WebhookSettings } from './app.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { webhookSettings } from './webhook-settings.js';
export {
  createDatabase,
  migrateToLatest,
  type DatabaseHandle,
} from './platform/database/database.js';
export { migrateDatabase } from './platform/database/migrate-database.js';
export {
  createProducer,
  PROCESS_ALERT_QUEUE,
  PROCESS_ALERT_QUEUE_POLICY,
} from './platform/database/queue.js';
export { createLogger, type Logger } from './platform/observability/logger.js';
export { createMetrics, type Metrics } from './platform/observability/metrics.js';
export { ShutdownState } from './platform/http/shutdown.js';
export { WebhookStats } from './alerts/webhook-stats.js';
export { deskQueueQuery } from './desk/desk-queue-store.js';
export { DECIDABLE_STATUSES } from './outcomes/agent-outcome-recording.js';
export { httpsServerOptions, type DeliveryAuthOptions } from './alerts/authentication/index.js';
export { createHttpServer, type HttpServerOptions } from './platform/http/http-server.js';
// Processing and outcome delivery, for the suites that drive them in-process against PostgreSQL
// and msw; the worker role wires the same pieces in processing/start-processing.ts.
export {
  processAlert,
  processAlerts,
  type ProcessAlertDeps,
  type ProcessResult,
  type ProcessSettlement,
} from './processing/process-alert.js';
export {
  PostgresMerchantLedger,
  type LedgerMatch,
  type MatchableAlert,
  type MerchantLedger,
} from './processing/merchant-ledger.js';
export {
  LedgerImportConflictError,
  upsertTransactions,
  type ImportConflict,
} from './processing/ledger-import.js';
export { recordRuleOutcome } from './outcomes/rule-outcome-recording.js';
export { HttpRefundGateway } from './processing/http-refund-gateway.js';
export { DeadlineWatch } from './processing/deadline-watch.js';
export { RefundNotConfirmedError, type RefundGateway } from './processing/refund-gateway.js';
export {
  ALERT_MOVES,
  ARRIVAL_STATUS,
  alertMove,
  alertMovesCtes,
  canMove,
  IllegalTransitionError,
  moveAlert,
  noteAlertEvent,
  type AlertMove,
  type AlertPath,
  type MoveInput,
} from './lifecycle/index.js';
export type { DecisionPolicy } from './processing/decision-rules.js';
export { EthocaOutcomeClient, OUTCOMES_PATH } from './outcomes/ethoca-outcome-client.js';
export { OutcomeDispatcher, type OutcomeDispatcherOptions } from './outcomes/outcome-dispatcher.js';
export { claimDueOutcomes, type ClaimedOutcome } from './outcomes/outcome-outbox.js';
export {
  createMastercardSigner,
  type MastercardSigner,
} from './platform/security/mastercard-signing.js';
export type { Database } from './platform/database/database-schema.js';
export { MastercomClient, type MastercomClientOptions } from './mastercom/mastercom-client.js';
export { MastercomError } from './mastercom/mastercom-error.js';
export { MastercomQueueSync, type QueueSyncResult } from './mastercom/queue-sync/queue-sync.js';
export { PostgresDocumentStorage, type DocumentStorage } from './mastercom/document-storage.js';
// The webhook's authentication and parse path, which the fault campaign drives directly to try
// tens of thousands of hostile inputs per run without HTTP in between.
export {
  authenticateDelivery,
  type AuthResult,
  type DeliveryRequest,
} from './alerts/authentication/index.js';
export { parseDelivery, WEBHOOK_PATH, type ParsedDelivery } from './alerts/webhook-route.js';
export { MIN_TOKEN_LENGTH, parseApiTokens, type ApiToken } from './access/api-tokens.js';
export { createAccess, type Access, type RoleGuard } from './access/require-role.js';
export { grants, ROLES, type Role } from './access/roles.js';
export { routeTable, type RouteEntry } from './access/route-table.js';
