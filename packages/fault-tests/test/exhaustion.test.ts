import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { useHarness, type OutputLine, type ServiceProcess } from '@mastercom/service-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAndRecord } from './support/card-scan.js';
import { recordRow } from './support/report.js';
import { SIZES } from './support/scale.js';
import { scenarioAlert, startLoggedService } from './support/service.js';
import { streamBody } from './support/raw-http.js';
import { percentileOf, sendSteadyTraffic, WEBHOOK_PATH } from './support/traffic.js';

const h = useHarness();
const size = SIZES.exhaustion;
const HEADERS_TIMEOUT_MS = 2_000;
const BODY_LIMIT = 262_144;
/** What a sender offers in the oversize tests; the service must stop it long before. */
const OFFERED_BYTES = 256 * 1024 * 1024;
/**
 * What may be written before the service closes: its own bound (about twice the limit) plus what
 * the loopback socket buffers on both sides hold, which the kernel sizes up to a few MiB.
 */
const MAX_WRITTEN_BYTES = 16 * 1024 * 1024;
const logs: OutputLine[] = [];
let service: ServiceProcess;
let sent = 0;

beforeAll(async () => {
  service = await startLoggedService(h, 'web', logs, {
    SERVICE_ROLE: 'web',
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT),
  });
});

afterAll(async () => {
  await service.kill('SIGKILL');
});

/** Latency of signed single-alert deliveries at a modest steady rate, in milliseconds, sorted. */
async function deliveryLatencies(prefix: string, count: number): Promise<number[]> {
  sent += count;
  const deliveries = await sendSteadyTraffic({
    count,
    ratePerSecond: 100,
    url: () => service.url,
    secret: h.hmacSecret,
    alert: (index) => scenarioAlert(prefix, index),
    maxAttempts: 1,
  });
  expect(deliveries.filter((d) => d.acknowledgedAt === undefined)).toEqual([]);
  return deliveries
    .map((d) => d.attempts[0]!.endedAt - d.attempts[0]!.startedAt)
    .sort((a, b) => a - b);
}

/** A socket that sends a request line and then one header line every 500 ms, forever. */
function slowloris(port: number): Promise<{ closedAfterMs: number }> {
  return new Promise((resolve) => {
    // Timed from the connection, as the service's headers timeout is.
    let started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1', () => {
      started = Date.now();
      socket.write(`POST ${WEBHOOK_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\n`);
    });
    const drip = setInterval(() => socket.write('x-slow: 1\r\n'), 500);
    // Bounded whatever the service does: after 15 s the test gives up on the socket itself.
    const giveUp = setTimeout(() => socket.destroy(), 15_000);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started });
    });
  });
}

describe('exhaustion: oversize bodies and slow-header sockets', () => {
  const results = {
    chunked: { written: 0, status: undefined as number | undefined, closedAfterMs: 0 },
    declared: { written: 0, status: undefined as number | undefined, closedAfterMs: 0 },
    baselineP99: Number.NaN,
    underAttackP99: Number.NaN,
    slowClosedMaxMs: Number.NaN,
    slowClosedMedianMs: Number.NaN,
  };

  it('answers an endless chunked body with 413 and closes the connection after a bounded read', async () => {
    results.chunked = await streamBody(service.url, { mode: 'chunked', totalBytes: OFFERED_BYTES });
    expect(results.chunked.status).toBe(413);
    expect(results.chunked.written).toBeLessThan(MAX_WRITTEN_BYTES);
  });

  it('answers a huge declared Content-Length with 413 without reading it', async () => {
    results.declared = await streamBody(service.url, {
      mode: 'declared',
      totalBytes: OFFERED_BYTES,
    });
    expect(results.declared.status).toBe(413);
    expect(results.declared.written).toBeLessThan(MAX_WRITTEN_BYTES);
  });

  it(`closes ${String(size.slowloris)} slow-header sockets within headersTimeout + 1 s while normal traffic keeps its p99`, async () => {
    const baseline = await deliveryLatencies('EXB', size.baselineRequests);
    results.baselineP99 = percentileOf(baseline, 99);
    const port = Number(new URL(service.url).port);
    const sockets = Array.from({ length: size.slowloris }, () => slowloris(port));
    // Normal traffic starts once every slow socket is open and dripping.
    await sleep(200);
    const underAttack = await deliveryLatencies('EXA', size.baselineRequests);
    results.underAttackP99 = percentileOf(underAttack, 99);
    const closed = await Promise.all(sockets);
    results.slowClosedMaxMs = Math.max(...closed.map((c) => c.closedAfterMs));
    const sortedCloses = closed.map((c) => c.closedAfterMs).sort((a, b) => a - b);
    results.slowClosedMedianMs = percentileOf(sortedCloses, 50);
    expect(results.slowClosedMaxMs).toBeLessThanOrEqual(HEADERS_TIMEOUT_MS + 1_000);
    expect(results.underAttackP99).toBeLessThan(Math.max(10 * results.baselineP99, 50));
    expect(results.underAttackP99).toBeLessThan(1_000);
  });

  it('records the campaign row and stored and logged no full card number', async () => {
    const [row] = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
    await recordRow({
      scenario: '5 exhaustion',
      cases: sent + 2 + size.slowloris,
      acknowledged: row?.n ?? 0,
      lost: sent - (row?.n ?? 0),
      duplicates: 0,
      serverErrors: 0,
      recoveryMs: {
        'slowloris closed (median)': results.slowClosedMedianMs,
        'slowloris closed (max)': results.slowClosedMaxMs,
        'p99 baseline': results.baselineP99,
        'p99 under slowloris': results.underAttackP99,
      },
      notes: `oversize chunked: ${String(results.chunked.status)} after ${String(results.chunked.written)} bytes written of ${String(OFFERED_BYTES)} offered; declared: ${String(results.declared.status)} after ${String(results.declared.written)} bytes`,
    });
    expect(row?.n).toBe(sent);
    const scan = await scanAndRecord(h, logs, 'exhaustion');
    expect(scan.found).toEqual([]);
  });
});
