import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { accessLog } from './access-log.js';

/** An app behind the access log, and the JSON lines its logger wrote. */
function loggedApp() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: null, timestamp: false },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const app = express();
  app.use(accessLog(logger, { quiet: (url) => url === '/health' }));
  app.get('/health', (_req, res) => res.json({ ok: true }));
  app.get('/ok', (req, res) => res.json({ id: req.id }));
  app.get('/missing', (_req, res) => res.status(404).end());
  app.get('/broken', (req, res) => {
    req.log.error('handler failed');
    res.status(500).end();
  });
  app.get('/hang', () => undefined);
  return { app, lines };
}

/** The fields of a logged line that a test compares, without the ones that vary. */
function essentials(line: Record<string, unknown>) {
  const req = line.req as Record<string, unknown> | undefined;
  return {
    level: line.level,
    msg: line.msg,
    id: req?.id,
    url: req?.url,
    status: (line.res as { statusCode?: number } | undefined)?.statusCode,
  };
}

describe('accessLog', () => {
  it('writes one line per request, at the level its status calls for', async () => {
    const { app, lines } = loggedApp();
    const answer = await request(app).get('/ok').set('x-request-id', 'req-1');
    expect(answer.body).toEqual({ id: 'req-1' });
    expect(answer.headers['x-request-id']).toBe('req-1');
    await request(app).get('/missing').set('x-request-id', 'req-2');
    await request(app).get('/health');
    expect(lines.map(essentials)).toEqual([
      { level: 30, msg: 'request completed', id: 'req-1', url: '/ok', status: 200 },
      { level: 40, msg: 'request completed', id: 'req-2', url: '/missing', status: 404 },
    ]);
    expect(Object.keys(lines[0] ?? {})).toEqual(['level', 'req', 'res', 'responseTime', 'msg']);
    expect(Object.keys((lines[0]?.req as object | undefined) ?? {})).toEqual([
      'id',
      'method',
      'url',
      'remoteAddress',
    ]);
    expect(typeof lines[0]?.responseTime).toBe('number');
  });

  it("binds the request to a handler's own lines and logs a 5xx as an error", async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/broken').set('x-request-id', 'req-3');
    expect(lines.map(essentials)).toEqual([
      { level: 50, msg: 'handler failed', id: 'req-3', url: '/broken', status: undefined },
      { level: 50, msg: 'request completed', id: 'req-3', url: '/broken', status: 500 },
    ]);
  });

  it("keeps the logger's redaction on a handler's lines; its own line has nothing to redact", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger(
      { level: 'info', service: 'test', version: 'test' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const app = express();
    app.use(accessLog(logger));
    app.get('/logs', (req, res) => {
      req.log.info({ payload: { cardNumber: '545454******5454' } }, 'handler line');
      res.status(204).end();
    });
    await request(app).get('/logs').set('x-request-id', 'req-4');
    expect(lines.map((line) => [line.msg, line.payload])).toEqual([
      ['handler line', { cardNumber: '[redacted]' }],
      ['request completed', undefined],
    ]);
    expect(lines[1]).toMatchObject({
      req: { id: 'req-4', url: '/logs' },
      res: { statusCode: 204 },
    });
  });

  it('says when the caller went away before the answer', async () => {
    const { app, lines } = loggedApp();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const sent = httpRequest({ host: '127.0.0.1', port, path: '/hang' });
      sent.on('error', () => undefined);
      sent.end(() =>
        setTimeout(() => {
          sent.destroy();
          resolve();
        }, 50),
      );
    });
    // The server sees the connection close a moment later; wait for that, at most two seconds.
    for (let waited = 0; lines.length === 0 && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => server.close(resolve));
    expect(lines.map(essentials)).toEqual([
      {
        level: 40,
        msg: 'request aborted',
        id: expect.any(String) as string,
        url: '/hang',
        status: 200,
      },
    ]);
  });
});
