import express, { type Express } from 'express';
import helmet from 'helmet';
import { pingRouter } from './health/ping-route.js';

/** Everything the HTTP app needs from outside; tests pass their own. */
export type AppDeps = Record<string, never>;

/** Builds the Express app without any I/O, so tests can drive it with supertest and no port. */
export function createApp(_deps: AppDeps = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.use(pingRouter());
  return app;
}
