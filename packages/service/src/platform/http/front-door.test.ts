import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import helmet from 'helmet';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontDoor, matchesPath } from './front-door.js';
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

/** POSTs to the URL exactly as written (fetch would normalise `/.` and the like first). */
async function postRaw(base: string, path: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'POST' }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A URL as senders and scanners write it: the path in any case, slashes, a query, a suffix. */
const urlVariant = fc
  .record({
    cased: fc.array(fc.boolean(), { minLength: PATH.length, maxLength: PATH.length }),
    before: fc.constantFrom('', '/', '/api'),
    after: fc.constantFrom('', '/', '//', '/health', 'x', '%2F', '.json', '/.'),
    query: fc.constantFrom('', '?', '?a=1', `?ref=${CARD}`, '?/x/'),
  })
  .map(
    ({ cased, before, after, query }) =>
      `${before}${cased.map((upper, i) => (upper ? PATH.charAt(i).toUpperCase() : PATH.charAt(i))).join('')}${after}${query}`,
  );

describe('matchesPath', () => {
  // Express's own router is the oracle: the front door must take exactly the requests Express
  // would have routed to the webhook, so none changes hands when the route moves out of Express.
  let expressUrl = '';
  beforeAll(async () => {
    const app = express();
    app.all(PATH, (_req, res) => {
      res.send('matched');
    });
    app.use((_req, res) => {
      res.status(404).send('not matched');
    });
    expressUrl = await serve(app);
  });

  it('takes a URL exactly when Express routes it to the same path', async () => {
    await fc.assert(
      fc.asyncProperty(urlVariant, async (url) => {
        const expressMatched = (await postRaw(expressUrl, url)) === 'matched';
        expect(matchesPath(url, PATH)).toBe(expressMatched);
      }),
      { numRuns: 300 },
    );
  });

  it('takes the path itself, its trailing slash and its query, and nothing below it', () => {
    expect(
      [PATH, `${PATH}/`, `${PATH}?x=1`, PATH.toUpperCase()].map((url) => matchesPath(url, PATH)),
    ).toEqual([true, true, true, true]);
    expect(
      [`${PATH}/health`, `${PATH}//`, '/api/v6/webhooks'].map((url) => matchesPath(url, PATH)),
    ).toEqual([false, false, false]);
  });
});

describe('frontDoor', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: null, timestamp: false },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  let base = '';
  beforeAll(async () => {
    const app = express();
    app.use(helmet());
    app.post('/express-route', (_req, res) => res.json({ ok: true }));
    app.use((_req, res) => res.status(404).json({ from: 'express' }));
    const door = frontDoor({
      routes: [
        {
          path: PATH,
          methods: ['POST'],
          handle: (req, res) => {
            if (req.headers['x-fail'] !== undefined) throw new Error('handler failed');
            sendJson(res, 200, { ok: true });
          },
        },
      ],
      fallback: app,
      headers: helmetHeaders(),
      logger,
    });
    base = await serve(door);
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

  it('hands every other path to Express', async () => {
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

  it('answers a handler that throws with a 500 problem and logs it as unhandled', async () => {
    lines.length = 0;
    const response = await fetch(`${base}${PATH}`, { method: 'POST', headers: { 'x-fail': '1' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await response.json()).toMatchObject({
      status: 500,
      title: 'Internal error',
      instance: PATH,
    });
    expect(lines.map((entry) => entry.msg)).toEqual(['unhandled error', 'request completed']);
  });
});
