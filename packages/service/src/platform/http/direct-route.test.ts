import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directRoute } from './direct-route.js';
import { lastResort } from './last-resort.js';
import { helmetHeaders } from './security-headers.js';
import { sendJson } from './send-json.js';

const PATH = '/api/v6/webhooks/ethoca';
const CARD = '4111111111111111';

const servers: Server[] = [];
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('directRoute', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: null, timestamp: false },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  let base = '';
  beforeAll(async () => {
    // As the app mounts it: first, before helmet and everything else.
    const direct = directRoute(
      {
        path: PATH,
        handle: (req, res, next) => {
          // As the webhook fails after its body is read: to Express's `next`, later.
          if (req.headers['x-fail'] === 'later') {
            setImmediate(() => next(new Error('handler failed later')));
            return;
          }
          if (req.headers['x-fail'] !== undefined) throw new Error('handler failed');
          sendJson(res, 200, { ok: true });
        },
      },
      { headers: helmetHeaders(), logger },
    );
    const app = express();
    app.route(direct.path).all(direct.handle);
    app.use(helmet());
    app.post('/express-route', (_req, res) => res.json({ ok: true }));
    app.use((_req, res) => res.status(404).json({ from: 'express' }));
    app.use(lastResort);
    base = await serve(app);
  });

  /** A response's headers without those that differ per response or per body. */
  const stable = (headers: Headers) =>
    Object.fromEntries(
      [...headers].filter(
        ([name]) =>
          !['date', 'etag', 'content-length', 'x-request-id', 'keep-alive'].includes(name),
      ),
    );

  it("sends exactly the headers helmet sends through Express, from helmet's own middleware", async () => {
    const fast = await fetch(`${base}${PATH}`, { method: 'POST' });
    const slow = await fetch(`${base}/express-route`, { method: 'POST' });
    expect(fast.status).toBe(200);
    expect(slow.status).toBe(200);
    expect(stable(fast.headers)).toEqual(stable(slow.headers));
    expect(fast.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(fast.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves every other path to the routes after it', async () => {
    const response = await fetch(`${base}${PATH}/health`, { method: 'POST' });
    expect(await response.json()).toEqual({ from: 'express' });
  });

  it('logs the request with the card number of its query masked', async () => {
    lines.length = 0;
    await fetch(`${base}${PATH}?ref=${CARD}`, { method: 'POST' });
    const line = lines.find((entry) => entry.msg === 'request completed');
    expect(line?.req).toMatchObject({ method: 'POST', url: `${PATH}?ref=411111******1111` });
    expect(JSON.stringify(lines)).not.toContain(CARD);
  });

  it.each(['now', 'later'])(
    'answers a handler that fails (%s) with a 500 problem and logs it as unhandled',
    async (when) => {
      lines.length = 0;
      const response = await fetch(`${base}${PATH}`, {
        method: 'POST',
        headers: { 'x-fail': when },
      });
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await response.json()).toMatchObject({
        status: 500,
        title: 'Internal error',
        instance: PATH,
      });
      expect(lines.map((entry) => entry.msg)).toEqual(['unhandled error', 'request completed']);
    },
  );
});
