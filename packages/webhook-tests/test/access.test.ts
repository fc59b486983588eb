import { grants, ROLES, routeTable } from '@mastercom/service';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ROLE_TOKENS, useTestApp } from './support/test-app.js';

const t = useTestApp();

/** The operator API as mounted, read from the app's router (a new route is covered unasked). */
function operatorRoutes() {
  return routeTable(t.app).filter(
    (entry) => entry.path.startsWith('/api/') && !entry.path.startsWith('/api/v6/webhooks/'),
  );
}

function call(method: string, path: string, token: string | undefined) {
  const url = path.replaceAll(/:[A-Za-z]+/g, 'X0000000000000000000000000');
  const agent = request(t.app);
  const pending =
    method === 'GET'
      ? agent.get(url)
      : method === 'DELETE'
        ? agent.delete(url)
        : method === 'PUT'
          ? agent.put(url).send({})
          : agent.post(url).send({});
  return token === undefined ? pending : pending.set('authorization', `Bearer ${token}`);
}

/** Rows in the tables a write could touch: none may change through a refused request. */
async function rowCounts(): Promise<Record<string, string>> {
  const [row] = await t.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM alerts)::text AS alerts,
            (SELECT count(*) FROM alert_outcomes)::text AS outcomes,
            (SELECT count(*) FROM merchant_transactions)::text AS transactions,
            (SELECT count(*) FROM mastercom_cases)::text AS cases,
            (SELECT count(*) FROM mastercom_documents)::text AS documents`,
  );
  return row!;
}

describe('least privilege on every operator route', () => {
  it('finds the routes to check in the router', () => {
    const routes = operatorRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(16);
    expect(routes.every((route) => route.role !== undefined)).toBe(true);
  });

  it('answers 401 without a token and 403 to a token whose role does not cover the route', async () => {
    const before = await rowCounts();
    const answers: { request: string; verdict: string }[] = [];
    const expected: { request: string; verdict: string }[] = [];
    const seen: string[] = [];
    for (const route of operatorRoutes()) {
      const required = route.role!;
      const anonymous = await call(route.method, route.path, undefined);
      answers.push({
        request: `${route.method} ${route.path} anonymous`,
        verdict: String(anonymous.status),
      });
      expected.push({ request: `${route.method} ${route.path} anonymous`, verdict: '401' });
      for (const role of ROLES) {
        const res = await call(route.method, route.path, ROLE_TOKENS[role]);
        const request = `${route.method} ${route.path} as ${role}`;
        const refused =
          res.status === 403
            ? `403 ${String((res.body as { detail?: unknown }).detail)}`
            : res.status === 401
              ? '401'
              : 'admitted';
        answers.push({ request, verdict: refused });
        expected.push({
          request,
          verdict: grants(role, required)
            ? 'admitted'
            : `403 this request needs a token with the ${required} role; this token's role is ${role}`,
        });
        if (refused.startsWith('403')) seen.push(`${role} ${route.method} ${route.path}`);
      }
    }
    expect(answers).toEqual(expected);
    // A read token is refused every write; a ledger token everything but the import.
    const writes = operatorRoutes().filter((route) => route.method !== 'GET');
    for (const write of writes) expect(seen).toContain(`read ${write.method} ${write.path}`);
    for (const route of operatorRoutes().filter((r) => r.path !== '/api/v6/transactions'))
      expect(seen).toContain(`ledger ${route.method} ${route.path}`);
    expect(seen).toContain('agent POST /api/v6/transactions');
    expect(await rowCounts()).toEqual(before);
  });
});
