import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EthocaAlert } from '@mastercom/contracts';
import { useHarness, WebhookRefusal } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts, transactionsOf } from './support/steering.js';
import { percentile } from '@mastercom/testkit';

/**
 * A short open-model run: alerts arrive at a fixed rate whatever the service's pace, the way
 * Ethoca sends them. The figures are printed and written to reports/, never asserted: they
 * describe this machine and whatever else it runs at the time. Correctness is asserted.
 */
const RATE_PER_SECOND = 200;
const DURATION_SECONDS = 5;
const ALERTS_PER_DELIVERY = 10;
const TOTAL = RATE_PER_SECOND * DURATION_SECONDS;
/** Tries per delivery: a 503 asks for the delivery again after Retry-After. */
const MAX_TRIES = 3;

const h = useHarness();
let service: ServiceProcess;

beforeAll(async () => {
  // Production's call timeout and lease, not the harness's short ones: this run measures, and a
  // call slowed past two seconds by a busy machine would be sent again, as the service should.
  service = await h.startService('all', {
    WORKER_CONCURRENCY: '8',
    ETHOCA_TIMEOUT_MS: '10000',
    OUTCOME_LEASE_MS: '60000',
  });
});

interface Timing {
  alert_id: string;
  decided_ms: number;
  sent_ms: number;
  received_at: Date;
  decided_at: Date;
  sent_at: Date;
}

describe(`${String(RATE_PER_SECOND)} alerts/s for ${String(DURATION_SECONDS)} s`, () => {
  it('sends every alert’s outcome once, none lost, and reports latency and throughput', async () => {
    const steered = steeredAlerts(20_000, TOTAL);
    const ids = steered.map((item) => item.alert.alertId);
    const client = h.client(() => service.url);
    await client.recordTransactions(transactionsOf(steered));

    // Each delivery leaves at its scheduled instant without waiting for earlier ones to be
    // answered; a slow acknowledgement must not lower the offered rate.
    // A 503 stores nothing and asks for the delivery again after Retry-After: on a machine busy
    // with other suites the database can be slow enough for that. Ethoca publishes no retry policy
    // for its pushes; the service is built for at-least-once delivery (reference §2.5, as in
    // contracts/src/slo.ts), which this sender plays.
    // Every refusal is counted and reported; any other answer fails the test at once.
    let refused = 0;
    const deliver = async (alerts: EthocaAlert[]): Promise<void> => {
      for (let tries = 1; ; tries += 1) {
        try {
          await client.deliver(alerts);
          return;
        } catch (error) {
          if (!(error instanceof WebhookRefusal) || error.status !== 503 || tries >= MAX_TRIES) {
            throw error;
          }
          refused += 1;
          await sleep((error.retryAfterSeconds ?? 1) * 1000);
        }
      }
    };
    const intervalMs = (1000 * ALERTS_PER_DELIVERY) / RATE_PER_SECOND;
    const started = performance.now();
    const deliveries: Promise<void>[] = [];
    for (let index = 0; index * ALERTS_PER_DELIVERY < TOTAL; index += 1) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const batch = steered.slice(index * ALERTS_PER_DELIVERY, (index + 1) * ALERTS_PER_DELIVERY);
      deliveries.push(deliver(batch.map((item) => item.alert)));
    }
    // A refused delivery fails the test; the service's own errors say why (the 503's body cannot).
    await Promise.all(deliveries).catch(async (error: unknown) => {
      // The service logs asynchronously: its line about the refusal may follow the answer.
      await sleep(1000);
      const errors = service.output
        .map((line) => line.text)
        .filter((text) => text.includes('"level":"error"'));
      throw new Error(`${String(error)}\nthe service's errors:\n${errors.join('\n')}`, {
        cause: error,
      });
    });
    const offeredSeconds = (performance.now() - started) / 1000;

    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 60_000,
      context: () => service.outputTail(),
    });

    // None lost and none doubled: one stored alert, one sent outcome row and one outcome at
    // Ethoca per delivered alert.
    const [counts] = await h.query<{ alerts: number; sent: number }>(
      `SELECT count(*)::int AS alerts, count(o.alert_id) FILTER (WHERE o.state = 'SENT')::int AS sent
         FROM alerts a LEFT JOIN alert_outcomes o USING (alert_id) WHERE a.alert_id = ANY($1)`,
      [ids],
    );
    expect(counts).toEqual({ alerts: TOTAL, sent: TOTAL });
    const resent = ids
      .map((id) => ({ id, attempts: h.ethoca.state.outcomes.get(id)?.attempts }))
      .filter((outcome) => outcome.attempts !== 1);
    expect(
      resent,
      `outcomes not sent exactly once; the service's warnings:\n${service.output
        .map((line) => line.text)
        .filter((text) => /"level":"(warn|error)"/.test(text))
        .join('\n')}`,
    ).toEqual([]);
    expect(h.ethoca.state.received.every((request) => request.status === 200)).toBe(true);

    const timings = await h.query<Timing>(
      `SELECT a.alert_id,
              extract(epoch FROM o.created_at - a.received_at)::float8 * 1000 AS decided_ms,
              extract(epoch FROM o.sent_at - a.received_at)::float8 * 1000 AS sent_ms,
              a.received_at, o.created_at AS decided_at, o.sent_at
         FROM alerts a JOIN alert_outcomes o USING (alert_id) WHERE a.alert_id = ANY($1)`,
      [ids],
    );
    const sent = timings.map((row) => row.sent_ms).sort((a, b) => a - b);
    const decided = timings.map((row) => row.decided_ms).sort((a, b) => a - b);
    const firstReceived = Math.min(...timings.map((row) => row.received_at.getTime()));
    const lastDecided = Math.max(...timings.map((row) => row.decided_at.getTime()));
    const lastSent = Math.max(...timings.map((row) => row.sent_at.getTime()));
    const round = (value: number) => Math.round(value * 10) / 10;
    const report = {
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
      },
      offered: {
        alerts: TOTAL,
        seconds: round(offeredSeconds),
        alertsPerSecond: round(TOTAL / offeredSeconds),
      },
      alertToOutcomeSentMs: {
        p50: round(percentile(sent, 50)),
        p90: round(percentile(sent, 90)),
        p99: round(percentile(sent, 99)),
        max: round(sent.at(-1)!),
      },
      alertToDecisionMs: {
        p50: round(percentile(decided, 50)),
        p99: round(percentile(decided, 99)),
      },
      throughputAlertsPerSecond: {
        decided: round(TOTAL / ((lastDecided - firstReceived) / 1000)),
        sent: round(TOTAL / ((lastSent - firstReceived) / 1000)),
      },
      refusedDeliveries: refused,
      ethocaCalls: h.ethoca.state.received.length,
      pspCalls: h.psp.state.received.length,
      workerConcurrency: 8,
    };
    console.log(`latency measurement\n${JSON.stringify(report, null, 2)}`);
    await mkdir('reports', { recursive: true });
    await writeFile('reports/latency.json', `${JSON.stringify(report, null, 2)}\n`);
  });
});
