import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
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

describe('accessLog', () => {
  it('writes one line per request, at the level its status calls for', async () => {
    const { app, lines } = loggedApp();
    const answer = await request(app).get('/ok').set('x-request-id', 'req-1');
    expect(answer.body).toEqual({ id: 'req-1' });
    expect(answer.headers['x-request-id']).toBe('req-1');
    await request(app).get('/missing');
    await request(app).get('/health');
    expect(lines).toEqual([
      {
        level: 30,
        req: { id: 'req-1', method: 'GET', url: '/ok', remoteAddress: expect.any(String) },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
      expect.objectContaining({ level: 40, res: { statusCode: 404 }, msg: 'request completed' }),
    ]);
  });

  it("binds the request to a handler's own lines and logs a 5xx as an error", async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/broken').set('x-request-id', 'req-2');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        req: expect.objectContaining({ id: 'req-2' }),
        msg: 'handler failed',
      }),
      expect.objectContaining({ level: 50, res: { statusCode: 500 }, msg: 'request completed' }),
    ]);
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
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        req: expect.objectContaining({ url: '/hang' }),
        msg: 'request aborted',
      }),
    ]);
  });
});
