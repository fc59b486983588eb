import { DOCUMENT_MAX_BYTES } from '@mastercom/contracts';
import express, { type Express } from 'express';
import type { ApiToken } from './access/api-tokens.js';
import { createAccess } from './access/require-role.js';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { createAlertIngest, type AlertToStore } from './alerts/alert-ingest.js';
import { alertReadRouter } from './alerts/alert-read-routes.js';
import { deskAlertRouter } from './desk/desk-alert-route.js';
import { deskPageRouter } from './desk/desk-page-route.js';
import { deskQueueRouter } from './desk/desk-queue-route.js';
import { apiReferenceRouter } from './api-reference/api-reference-route.js';
import { agentOutcomeRouter } from './outcomes/agent-outcome-route.js';
import type { DeliveryAuthOptions } from './alerts/authentication/index.js';
import { webhookHealthRouter } from './alerts/webhook-health-route.js';
import { ethocaWebhookRoute } from './alerts/webhook-route.js';
import { WebhookStats } from './alerts/webhook-stats.js';
import { healthRouter } from './health/health-route.js';
import { pingRouter } from './health/ping-route.js';
import { casesRouter } from './mastercom/cases-route.js';
import { documentsRouter } from './mastercom/documents-route.js';
import { PostgresDocumentStorage, type DocumentStorage } from './mastercom/document-storage.js';
import type { MastercomClient } from './mastercom/mastercom-client.js';
import { transactionsRouter } from './processing/transactions-route.js';
import { GroupCommitter } from './platform/database/group-commit.js';
import type { Database } from './platform/database/database-schema.js';
import type { Logger } from './platform/observability/logger.js';
import type { Metrics } from './platform/observability/metrics.js';
import { sendProblem } from './platform/http/problem-details.js';
import { lastResort } from './platform/http/last-resort.js';
import { accessLog, type AccessLogOptions } from './platform/http/access-log.js';
import { directRoute } from './platform/http/direct-route.js';
import { helmetHeaders } from './platform/http/security-headers.js';
import { maskRequestUrl } from './platform/http/mask-request-url.js';
import type { ShutdownState } from './platform/http/shutdown.js';

export interface WebhookSettings {
  auth: DeliveryAuthOptions;
  /** Development only: accept deliveries when no authentication mode is configured. */
  allowUnauthenticated: boolean;
  bodyLimitBytes: number;
  maxAlertsPerDelivery: number;
  /** Deliveries the receiver works on at once; more are answered 503 with Retry-After at once. */
  maxInFlight: number;
  /** Ethoca timestamps carry no offset; this zone turns them into instants. */
  memberTimeZone: string;
}

export interface MastercomSettings {
  /** Undefined when Mastercom is not configured: case and document reads still work. */
  client?: MastercomClient | undefined;
  /** Where document bytes go; the database unless a test or deployment says otherwise. */
  storage?: DocumentStorage;
  documentMaxBytes?: number;
  /** When the Mastercard API key expires (`yyyy-mm-dd`); `/health` warns 30 days ahead. */
  keyExpiresAt?: string | undefined;
}

/** Everything the HTTP app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Kysely<Database>;
  queue: PgBoss;
  shutdown: ShutdownState;
  logger: Logger;
  metrics: Metrics;
  version: string;
  webhook: WebhookSettings;
  /** Bearer tokens of the operator API, each with its role. */
  apiTokens: readonly ApiToken[];
  stats?: WebhookStats;
  healthCheckTimeoutMs?: number;
  mastercom?: MastercomSettings;
}

/** Readiness probes arrive every few seconds; healthy ones would drown everything else. */
const ACCESS_LOG: AccessLogOptions = { quiet: (url) => url === '/health' };

/** Builds the Express app without any I/O, so tests can drive it with supertest and no port. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const stats = deps.stats ?? new WebhookStats();
  // The webhook first, before every middleware: see platform/http/direct-route.ts.
  const webhook = directRoute(webhookRoute(deps, stats), {
    headers: helmetHeaders(),
    logger: deps.logger,
    accessLog: ACCESS_LOG,
  });
  // POST names the route's method for the route table; `route.all`, not `app.all`, gives every
  // other method (405) one layer rather than one per method.
  app.route(webhook.path).post(webhook.handle).all(webhook.handle);
  // Liveness first and outside logging: probes every few seconds would drown the log.
  app.use(pingRouter());
  app.use(helmet());
  // Before the access log, so a card number in a path or query is never logged or routed on.
  app.use(maskRequestUrl());
  app.use(accessLog(deps.logger, ACCESS_LOG));
  app.use(
    healthRouter({
      db: deps.db,
      queue: deps.queue,
      shutdown: deps.shutdown,
      version: deps.version,
      checkTimeoutMs: deps.healthCheckTimeoutMs ?? 2000,
      mastercardKeyExpiresAt: deps.mastercom?.keyExpiresAt,
      metrics: deps.metrics,
    }),
  );
  app.use(webhookHealthRouter({ db: deps.db, auth: deps.webhook.auth, stats }));
  // Every route of the operator API names its role beside its path (see access/roles.ts).
  const access = createAccess(deps.apiTokens);
  app.use(alertReadRouter({ db: deps.db, access }));
  app.use(deskQueueRouter({ db: deps.db, access }));
  app.use(deskAlertRouter({ db: deps.db, access }));
  app.use(agentOutcomeRouter({ db: deps.db, access }));
  app.use(transactionsRouter({ db: deps.db, access }));
  const mastercomApi = {
    db: deps.db,
    access,
    client: deps.mastercom?.client,
    storage: deps.mastercom?.storage ?? new PostgresDocumentStorage(deps.db),
    documentMaxBytes: deps.mastercom?.documentMaxBytes ?? DOCUMENT_MAX_BYTES,
    logger: deps.logger,
  };
  app.use(casesRouter(mastercomApi));
  app.use(documentsRouter(mastercomApi));
  app.use(apiReferenceRouter());
  app.use(deskPageRouter());

  app.use((_req, res) => {
    sendProblem(res, 404, 'Not found', 'no such route');
  });
  app.use(lastResort);
  return app;
}

/** The webhook with its ingest: concurrent deliveries share transactions (GroupCommitter). */
function webhookRoute(deps: AppDeps, stats: WebhookStats) {
  const ingestAlerts = createAlertIngest({
    db: deps.db,
    queue: deps.queue,
    memberTimeZone: deps.webhook.memberTimeZone,
    logger: deps.logger,
  });
  // Four commits may run at once so a slow one does not stall the next group. Each delivery is
  // still acknowledged only after the commit that holds its alerts. While deliveries arrive less
  // than 3 ms apart a group waits up to 3 ms, or until it holds 16 alerts, for more to join it:
  // the bench's groups grew from 2.7 to about 8.5 alerts per commit, which cut PostgreSQL's CPU per
  // alert by about half and the service's by a fifth (decision 0004). A delivery after a quiet
  // spell is committed at once.
  const committer = new GroupCommitter((alerts: AlertToStore[]) => ingestAlerts(alerts), {
    maxItems: 500,
    maxInFlight: 4,
    gatherMs: 3,
    gatherItems: 16,
  });
  return ethocaWebhookRoute({
    ingest: (alerts) => committer.submit(alerts),
    auth: deps.webhook.auth,
    allowUnauthenticated: deps.webhook.allowUnauthenticated,
    bodyLimitBytes: deps.webhook.bodyLimitBytes,
    maxAlertsPerDelivery: deps.webhook.maxAlertsPerDelivery,
    maxInFlight: deps.webhook.maxInFlight,
    metrics: deps.metrics,
    stats,
  });
}
