import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { pinoHttp } from 'pino-http';
import { healthRouter } from './health/health-route.js';
import { pingRouter } from './health/ping-route.js';
import type { Database } from './platform/database-schema.js';
import type { Logger } from './platform/logger.js';
import type { Metrics } from './platform/metrics.js';
import { requestId } from './platform/request-id.js';
import type { Lifecycle } from './platform/shutdown.js';

/** Everything the HTTP app needs from outside; tests pass their own. */
export interface AppDeps {
  db: Kysely<Database>;
  queue: PgBoss;
  lifecycle: Lifecycle;
  logger: Logger;
  metrics: Metrics;
  version: string;
  healthCheckTimeoutMs?: number;
}

/** Builds the Express app without any I/O, so tests can drive it with supertest and no port. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Liveness first and outside logging: probes every few seconds would drown the log.
  app.use(pingRouter());
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      // Only what an on-call engineer reads; headers stay out (they carry credentials).
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (req, res, error) => {
        if (error || res.statusCode >= 500) return 'error';
        if (res.statusCode >= 400) return 'warn';
        // Healthy readiness probes arrive every few seconds and would drown everything else.
        return req.url === '/health' ? 'silent' : 'info';
      },
    }),
  );
  app.use(
    healthRouter({
      db: deps.db,
      queue: deps.queue,
      lifecycle: deps.lifecycle,
      version: deps.version,
      checkTimeoutMs: deps.healthCheckTimeoutMs ?? 2000,
    }),
  );
  return app;
}
