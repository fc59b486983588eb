import { isDeepStrictEqual } from 'node:util';
import type { AlertOutcome } from '@mastercom/contracts';
import { waitFor } from '@mastercom/testkit';
import { useHarness, type OutputLine, type ServiceProcess } from '@mastercom/service-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAndRecord } from './support/card-scan.js';
import { recordRow } from './support/report.js';
import { SIZES } from './support/scale.js';
import { scenarioAlert, startLoggedService } from './support/service.js';

const h = useHarness();
const size = SIZES.crashes;
const PREFIX = 'CRS';
const logs: OutputLine[] = [];
const alerts = Array.from({ length: size.alerts }, (_, index) => scenarioAlert(PREFIX, index));
const ids = alerts.map((alert) => alert.alertId);
let service: ServiceProcess;
let killsDuringDelivery = 0;
let recoveryMs = Number.NaN;

/**
 * A job whose worker was killed stays `active` until pg-boss notices the missing heartbeats and
 * retries it, and a claimed outcome waits for its lease: well under a minute and a half.
 */
const RECOVERY_TIMEOUT_MS = 90_000;

/**
 * Before each kill Ethoca takes the next outcome call and holds its answer this long, far past
 * the kill. Waiting only for "the next call" was a race: on a fast run the restarted service had
 * delivered every outcome before the next kill was due, and no call ever came. A held call is in
 * flight when the process dies, whatever the machine's speed, and Ethoca has recorded its
 * outcomes without the service hearing so: the restart must re-send them and count "already
 * recorded" as sent.
 */
const HELD_ANSWER_MS = 10 * 60_000;

/** Has Ethoca hold its answer to the next outcome call; returns how many calls came before it. */
function holdNextCall(): number {
  h.ethoca.state.faults.failNext(1, { kind: 'delay', ms: HELD_ANSWER_MS });
  return h.ethoca.state.received.length;
}

/** Waits for the call after the first `callsBefore`: the held one. */
async function heldCallArrived(callsBefore: number): Promise<void> {
  await waitFor(
    'the held outcome call to reach Ethoca',
    () =>
      Promise.resolve(
        h.ethoca.state.received.length > callsBefore
          ? { done: true as const, value: undefined }
          : { done: false as const, state: { received: h.ethoca.state.received.length } },
      ),
    { timeoutMs: 60_000, intervalMs: 5, context: () => service.outputTail() },
  );
}

beforeAll(async () => {
  // Three requests in ten fail: 500s first, then 503s or reset connections after each restart.
  h.ethoca.state.faults.failShare(0.3, { kind: 'server-error' }, 11);
  let callsBeforeHeld = holdNextCall();
  service = await startLoggedService(h, 'all', logs);
  await h.client(() => service.url).deliver(alerts);
  for (let kill = 0; kill < size.kills; kill += 1) {
    await heldCallArrived(callsBeforeHeld);
    const [inFlight] = await h.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alert_outcomes WHERE state = 'IN_FLIGHT' AND alert_id = ANY($1)`,
      [ids],
    );
    await service.kill('SIGKILL');
    if ((inFlight?.n ?? 0) > 0) killsDuringDelivery += 1;
    h.ethoca.state.faults.failShare(
      0.3,
      { kind: kill % 2 === 0 ? 'unavailable' : 'reset' },
      12 + kill,
    );
    if (kill + 1 < size.kills) callsBeforeHeld = holdNextCall();
    service = await service.restart();
  }
  const started = Date.now();
  await h.waitForStatus(ids, 'OUTCOME_SENT', {
    timeoutMs: RECOVERY_TIMEOUT_MS,
    context: () => service.outputTail(),
  });
  recoveryMs = Date.now() - started;
});

afterAll(async () => {
  await service.kill('SIGKILL');
});

describe(`crashes: kill -9 during outcome delivery, ${String(size.alerts)} alerts, 30% Ethoca faults`, () => {
  it('was killed while outcomes were in flight', () => {
    expect(killsDuringDelivery).toBeGreaterThan(0);
  });

  it('ends every alert with exactly one final outcome at Ethoca, the one stored', async () => {
    const stored = new Map(
      (
        await h.query<{ alert_id: string; outcome: AlertOutcome }>(
          'SELECT alert_id, outcome FROM alert_outcomes WHERE alert_id = ANY($1)',
          [ids],
        )
      ).map((row) => [row.alert_id, row.outcome]),
    );
    const sent = h.outcomesSent();
    const wrong = ids.filter((id) => {
      const recorded = h.ethoca.state.outcomes.get(id)?.outcome;
      const copies = sent.get(id) ?? [];
      return (
        recorded === undefined ||
        !isDeepStrictEqual(recorded, stored.get(id)) ||
        !copies.every((copy) => isDeepStrictEqual(copy, stored.get(id)))
      );
    });
    const resent = ids.filter((id) => (h.ethoca.state.outcomes.get(id)?.attempts ?? 0) >= 2);
    await recordRow({
      scenario: '3 crashes',
      cases: size.alerts,
      acknowledged: size.alerts,
      lost: ids.length - stored.size,
      duplicates: wrong.length,
      serverErrors: 0,
      recoveryMs: { 'all outcomes after last kill': recoveryMs },
      notes: `${String(size.kills)} kill -9 (${String(killsDuringDelivery)} with outcomes in flight), ${String(h.ethoca.state.received.length)} Outcome API requests, ${String(resent.length)} alerts sent more than once and answered "already recorded"`,
    });
    expect(stored.size).toBe(ids.length);
    expect(wrong).toEqual([]);
  });

  it('leaves no outcome in flight and no job active', async () => {
    const outcomes = await h.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM alert_outcomes WHERE alert_id = ANY($1) GROUP BY state',
      [ids],
    );
    expect(Object.fromEntries(outcomes.map((row) => [row.state, row.n]))).toEqual({
      SENT: ids.length,
    });
    await waitFor(
      'every process-alert job to complete',
      async () => {
        const rows = await h.query<{ state: string; n: number }>(
          `SELECT state::text, count(*)::int AS n FROM pgboss.job
            WHERE name = 'process-alert' AND data->>'alertId' = ANY($1) GROUP BY state`,
          [ids],
        );
        const states = Object.fromEntries(rows.map((row) => [row.state, row.n]));
        return states.completed === ids.length && rows.length === 1
          ? { done: true, value: undefined }
          : { done: false, state: states };
      },
      { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 250 },
    );
  });

  it('stored and logged no full card number', async () => {
    const scan = await scanAndRecord(h, logs, 'crashes');
    expect(scan.linesScanned).toBeGreaterThan(0);
    expect(scan.found).toEqual([]);
  });
});
