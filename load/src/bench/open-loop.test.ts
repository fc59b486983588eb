import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenLoop } from './open-loop.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else server.close(() => resolve());
    server?.closeAllConnections();
  });
  server = undefined;
});

/** A loopback server that records when each request arrived and answers after `delayMs`. */
async function startServer(
  delayMs: number | 'never',
): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const started = createServer((request, response) => {
    arrivals.push(performance.now());
    request.resume();
    request.on('end', () => {
      if (delayMs === 'never') return;
      setTimeout(() => response.end('{"ok":true}'), delayMs);
    });
  });
  server = started;
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  const { port } = started.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}`, arrivals };
}

const request = (answers: number[]) => () => ({
  body: '{}',
  headers: { 'content-type': 'application/json' },
  onResponse: (status: number) => answers.push(status),
});

describe('runOpenLoop', () => {
  it('spreads the requests over the run instead of sending a second’s quota at once', async () => {
    const { url, arrivals } = await startServer(20);
    const answers: number[] = [];

    const run = await runOpenLoop(
      {
        url,
        path: '/',
        ratePerSecond: 200,
        durationSeconds: 1,
        maxConnections: 50,
        timeoutMs: 5000,
      },
      request(answers),
      'test',
      () => undefined,
    );

    expect(run.result.requests.total).toBe(200);
    expect(run.result['2xx']).toBe(200);
    expect(answers).toHaveLength(200);
    expect(run.latencies).toHaveLength(200);
    // Latency counts from when a request was due, so it is at least the server's delay.
    expect(Math.min(...run.latencies)).toBeGreaterThanOrEqual(19);
    // A burst would put them all in the first instants; evenly spaced, no tenth of a second holds
    // more than a fraction of them (generous, for a loaded machine).
    const first = Math.min(...arrivals);
    const perWindow = new Map<number, number>();
    for (const at of arrivals) {
      const window = Math.floor((at - first) / 100);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(100);
    expect(perWindow.size).toBeGreaterThanOrEqual(5);
  });

  it('counts a request still waiting for a socket at the bound as timed out, and ignores its late answer', async () => {
    // One socket and answers after 400 ms: the later requests wait for the socket past the run's
    // bound (timeout 300 ms + 1 s after the last is due), although none of them times out itself.
    const { url } = await startServer(400);
    const answers: number[] = [];

    const run = await runOpenLoop(
      {
        url,
        path: '/',
        ratePerSecond: 20,
        durationSeconds: 0.25,
        maxConnections: 1,
        timeoutMs: 300,
      },
      request(answers),
      'test',
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(run.result.requests.total).toBe(5);
    expect(run.result['2xx'] + run.result.timeouts + run.result.errors).toBe(5);
    expect(run.result.timeouts).toBeGreaterThan(0);
    expect(answers).toHaveLength(run.result['2xx']);
    expect(run.latencies).toHaveLength(run.result['2xx']);
  });

  it('counts unanswered requests as timeouts and ends within its bound', async () => {
    const { url } = await startServer('never');
    const started = performance.now();

    const run = await runOpenLoop(
      {
        url,
        path: '/',
        ratePerSecond: 20,
        durationSeconds: 0.5,
        maxConnections: 20,
        timeoutMs: 300,
      },
      request([]),
      'test',
      () => undefined,
    );

    expect(run.result.requests.total).toBe(10);
    expect(run.result.timeouts).toBe(10);
    expect(run.result.errors).toBe(0);
    expect(run.result['2xx']).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
