import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import type { Database } from '../platform/database/database-schema.js';
import { createLogger } from '../platform/observability/logger.js';
import { createMetrics } from '../platform/observability/metrics.js';
import { ShutdownState } from '../platform/http/shutdown.js';

// A database that cannot be reached: nothing connects until a query runs, and liveness must
// answer without running one.
const UNREACHABLE = 'postgres://nobody@127.0.0.1:1/none';

function appWithUnreachableDatabase() {
  return createApp({
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: UNREACHABLE }) }),
    }),
    queue: new PgBoss({ connectionString: UNREACHABLE }),
    shutdown: new ShutdownState(),
    logger: createLogger({ level: 'silent', service: 'test', version: 'test' }),
    metrics: createMetrics({ port: 8125, globalTags: {} }),
    version: 'test',
    webhook: {
      auth: {},
      allowUnauthenticated: true,
      bodyLimitBytes: 1024,
      maxAlertsPerDelivery: 1,
      maxInFlight: 1,
      memberTimeZone: 'UTC',
    },
    apiTokens: [],
  });
}

describe('GET /__ops/ping', () => {
  it('answers pong as plain text without touching the database', async () => {
    const res = await request(appWithUnreachableDatabase()).get('/__ops/ping');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain');
    expect(res.text).toBe('pong');
  });

  it('does not advertise the framework', async () => {
    const res = await request(appWithUnreachableDatabase()).get('/__ops/ping');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 404 for a path it does not serve', async () => {
    const res = await request(appWithUnreachableDatabase()).get('/__ops/nope');
    expect(res.status).toBe(404);
  });
});
