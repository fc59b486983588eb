import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpFaultProxy, type TcpFaultProxy } from '@mastercom/testkit';
import { useHarness, type OutputLine, type ServiceProcess } from '@mastercom/service-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAndRecord } from './support/card-scan.js';
import { recordRow } from './support/report.js';
import { SIZES } from './support/scale.js';
import { alertId, healthStatus, scenarioAlert, startLoggedService } from './support/service.js';
import { attemptsOf, sendSteadyTraffic, type Delivery } from './support/traffic.js';

const h = useHarness();
const size = SIZES.outage;
const PREFIX = 'DBO';
const logs: OutputLine[] = [];
let proxy: TcpFaultProxy;
let service: ServiceProcess;
let deliveries: Delivery[] = [];
/** Wall-clock times of the phases, to judge each answer by when it was given. */
const phases = { cutAt: 0, restoredAt: 0, latencyEndsAt: 0, resetsEndAt: 0 };
let readyAfterRestoreMs = Number.POSITIVE_INFINITY;

beforeAll(async () => {
  const target = new URL(h.databaseUrl);
  proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port) });
  const viaProxy = new URL(h.databaseUrl);
  viaProxy.port = String(proxy.port);
  service = await startLoggedService(h, 'web', logs, {
    SERVICE_ROLE: 'web',
    DATABASE_URL: viaProxy.toString(),
    // A sick database turns into a 503 within a second rather than three.
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
  });

  const traffic = sendSteadyTraffic({
    count: size.alerts,
    ratePerSecond: size.ratePerSecond,
    url: () => service.url,
    secret: h.hmacSecret,
    alert: (index) => scenarioAlert(PREFIX, index),
    maxAttempts: 40,
  });
  const faults = (async () => {
    await sleep(2_000);
    phases.cutAt = Date.now();
    proxy.cut('reset');
    await sleep(size.cutMs);
    proxy.restore();
    phases.restoredAt = Date.now();
    // Readiness is polled from the moment the database is back; it must follow within 5 s.
    for (let probe = 0; probe < 100; probe += 1) {
      if ((await healthStatus(service.url)) === 200) {
        readyAfterRestoreMs = Date.now() - phases.restoredAt;
        break;
      }
      await sleep(100);
    }
    proxy.latency(100);
    await sleep(Math.max(0, phases.restoredAt + size.latencyMs - Date.now()));
    proxy.latency(0);
    phases.latencyEndsAt = Date.now();
    // A tenth of the connections is reset, picked again every half second among the open ones
    // and among new ones, some at once and some in the middle of a query.
    proxy.resetShare(0.1, { seed: 20_261_126, maxDelayMs: 500, everyMs: 500 });
    await sleep(size.resetShareMs);
    proxy.restore();
    phases.resetsEndAt = Date.now();
  })();
  [deliveries] = await Promise.all([traffic, faults]);
});

afterAll(async () => {
  await service.kill('SIGKILL');
  await proxy.close();
});

describe(`database outage: ${String(size.alerts)} alerts at ${String(size.ratePerSecond)}/s, cut ${String(size.cutMs)} ms, latency, 10% resets`, () => {
  it('acknowledged every alert in the end, each stored exactly once with one event and one job', async () => {
    const ids = deliveries.map((delivery) => delivery.alertId);
    const unacknowledged = deliveries.filter((d) => d.acknowledgedAt === undefined);
    const [rows] = await h.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT alert_id)::int AS distinct FROM alerts WHERE alert_id = ANY($1)`,
      [ids],
    );
    const events = await h.query<{ alert_id: string; n: number }>(
      `SELECT alert_id, count(*)::int AS n FROM alert_events
        WHERE alert_id = ANY($1) AND to_status = 'RECEIVED' GROUP BY alert_id HAVING count(*) <> 1`,
      [ids],
    );
    const jobs = await h.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT data->>'alertId')::int AS distinct FROM pgboss.job
        WHERE name = 'process-alert' AND data->>'alertId' = ANY($1)`,
      [ids],
    );
    const stored = new Set(
      (
        await h.query<{ alert_id: string }>(
          'SELECT alert_id FROM alerts WHERE alert_id = ANY($1)',
          [ids],
        )
      ).map((row) => row.alert_id),
    );
    const lost = deliveries.filter((d) => d.acknowledgedAt !== undefined && !stored.has(d.alertId));
    const attempts = attemptsOf(deliveries);
    await recordRow({
      scenario: '1 database outage',
      cases: size.alerts,
      acknowledged: size.alerts - unacknowledged.length,
      lost: lost.length,
      duplicates:
        (rows?.n ?? 0) - (rows?.distinct ?? 0) + ((jobs[0]?.n ?? 0) - (jobs[0]?.distinct ?? 0)),
      serverErrors: attempts.filter(
        (a) => typeof a.status === 'number' && a.status >= 500 && a.status !== 503,
      ).length,
      recoveryMs: { readiness: readyAfterRestoreMs },
      notes: `${String(attempts.length)} attempts, ${String(attempts.filter((a) => a.status === 503).length)} answered 503, proxy reset ${String(proxy.stats.resetByShare)} of ${String(proxy.stats.connections)} connections by share`,
    });
    expect(unacknowledged.map((d) => d.alertId)).toEqual([]);
    expect(lost.map((d) => d.alertId)).toEqual([]);
    expect(rows).toEqual({ n: size.alerts, distinct: size.alerts });
    expect(events).toEqual([]);
    expect(jobs).toEqual([{ n: size.alerts, distinct: size.alerts }]);
    expect(ids).toContain(alertId(PREFIX, size.alerts - 1));
    expect(proxy.stats.resetByShare).toBeGreaterThan(0);
  });

  it('answered only 200 or 503 with Retry-After, and nothing was acknowledged while the database was cut', () => {
    const attempts = attemptsOf(deliveries);
    const odd = attempts.filter((a) => a.status !== 200 && a.status !== 503);
    const without = attempts.filter((a) => a.status === 503 && a.retryAfter === null);
    // An answer to a request that began after the cut and ended before the restore cannot be a
    // commit; 250 ms covers a transaction that committed just as the connections were dropped.
    const ackedWhileDown = attempts.filter(
      (a) => a.success && a.startedAt > phases.cutAt + 250 && a.endedAt < phases.restoredAt,
    );
    const downAnswers = attempts.filter(
      (a) => a.startedAt > phases.cutAt + 250 && a.endedAt < phases.restoredAt,
    );
    expect(odd.map((a) => a.status)).toEqual([]);
    expect(without).toEqual([]);
    expect(ackedWhileDown).toEqual([]);
    expect(downAnswers.length).toBeGreaterThan(0);
    expect(downAnswers.every((a) => a.status === 503)).toBe(true);
  });

  it('kept the service process alive through every fault', () => {
    // The output tail is the failure message: it shows why the process ended.
    expect(service.exit === undefined ? 'running' : service.outputTail(40)).toBe('running');
  });

  it('was ready again within 5 s of the database', () => {
    expect(readyAfterRestoreMs).toBeLessThanOrEqual(5_000);
  });

  it('stored and logged no full card number', async () => {
    const scan = await scanAndRecord(h, logs, 'database outage');
    expect(scan.rowsScanned).toBeGreaterThanOrEqual(size.alerts);
    expect(scan.linesScanned).toBeGreaterThan(0);
    expect(scan.found).toEqual([]);
  });
});
