import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../app.js';
import { WebhookStats } from '../alerts/webhook-stats.js';
import { createLogger } from '../platform/observability/logger.js';
import { routeTable } from './route-table.js';

/** createApp does no I/O, so the route table can be read with dependencies that are never used. */
const unused = new Proxy(
  {},
  {
    get() {
      throw new Error('not used while building the app');
    },
  },
);
const deps = {
  db: unused,
  queue: unused,
  shutdown: unused,
  logger: createLogger({ level: 'silent', service: 'test', version: 'test', env: 'test' }),
  metrics: unused,
  version: 'test',
  webhook: {
    auth: { hmac: { secrets: [`whsec_${Buffer.alloc(32).toString('base64')}`] } },
    allowUnauthenticated: false,
    bodyLimitBytes: 1024,
    maxAlertsPerDelivery: 1,
    maxInFlight: 1,
    memberTimeZone: 'UTC',
  },
  apiTokens: [],
  stats: new WebhookStats(),
} as unknown as AppDeps;

describe('every route declares who may use it', () => {
  const table = routeTable(createApp(deps));

  it('every operator API route has a role: read to look, agent to act, ledger to import', () => {
    const operator = table.filter(
      (entry) => entry.path.startsWith('/api/') && !entry.path.startsWith('/api/v6/webhooks/'),
    );
    expect(operator.filter((entry) => entry.role === undefined)).toEqual([]);
    const expected = Object.fromEntries(
      operator.map((entry) => [`${entry.method} ${entry.path}`, entry.role]),
    );
    expect(expected).toEqual({
      'GET /api/v6/alerts': 'read',
      'GET /api/v6/alerts/:alertId': 'read',
      'GET /api/v6/desk/queue': 'read',
      'GET /api/v6/desk/session': 'read',
      'GET /api/v6/desk/alerts/:alertId': 'read',
      'POST /api/v6/alerts/:alertId/outcome': 'agent',
      'POST /api/v6/transactions': 'ledger',
      'GET /api/v6/cases': 'read',
      'GET /api/v6/cases/:caseId': 'read',
      'POST /api/v6/cases': 'agent',
      'PUT /api/v6/cases/:caseId': 'agent',
      'POST /api/v6/documents': 'agent',
      'POST /api/v6/cases/:caseId/documents': 'agent',
      'GET /api/v6/documents': 'read',
      'GET /api/v6/cases/:caseId/documents': 'read',
      'GET /api/v6/documents/:documentId': 'read',
      'GET /api/v6/documents/:documentId/content': 'read',
      'DELETE /api/v6/documents/:documentId': 'agent',
      'POST /api/v6/documents/:documentId/submit': 'agent',
    });
  });

  it("only probes, the API reference, the desk's page and the webhook (its own authentication) go without a token", () => {
    expect(
      table.filter((entry) => entry.role === undefined).map((e) => `${e.method} ${e.path}`),
    ).toEqual([
      'POST /api/v6/webhooks/ethoca',
      'GET /__ops/ping',
      'GET /health',
      'GET /api/v6/webhooks/ethoca/health',
      'GET /openapi.json',
      'GET /docs',
      'GET /docs/api-reference.js',
      'GET /docs/redoc.standalone.js',
      'GET /desk',
    ]);
  });
});
