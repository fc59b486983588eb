import { isDeepStrictEqual } from 'node:util';
import type { AlertOutcome } from '@mastercom/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts, transactionsOf } from './support/steering.js';

const h = useHarness();
let service: ServiceProcess;

/** Slower than this and the service gives up on the call; the delay fault below is longer. */
const ETHOCA_TIMEOUT_MS = 400;

beforeAll(async () => {
  service = await h.startService('all', { ETHOCA_TIMEOUT_MS: String(ETHOCA_TIMEOUT_MS) });
});

/** Alert ids of one request's outcomes. */
function alertIdsOf(body: unknown): string[] {
  return ((body as { outcomes?: AlertOutcome[] } | undefined)?.outcomes ?? []).map(
    (outcome) => outcome.alertId,
  );
}

describe('an Outcome API that errors, throttles, stalls and drops connections', () => {
  const steered = steeredAlerts(9000, 60);
  const ids = steered.map((item) => item.alert.alertId);

  beforeAll(async () => {
    const faults = h.ethoca.state.faults;
    // One of each kind first, so every kind is met whatever the shared schedule draws, then a
    // seeded share of dropped connections for the rest of the run.
    faults.failNext(2, { kind: 'server-error' });
    faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 1 });
    faults.failNext(1, { kind: 'delay', ms: ETHOCA_TIMEOUT_MS * 3 });
    faults.failNext(1, { kind: 'reset' });
    faults.failNext(1, { kind: 'unavailable', retryAfterSeconds: 1 });
    faults.failShare(0.25, { kind: 'reset' }, 42);
    const client = h.client(() => service.url);
    await client.recordTransactions(transactionsOf(steered));
    await client.deliver(steered.map((item) => item.alert));
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 45_000,
      context: () => service.outputTail(),
    });
    faults.clear();
    // Its two requests (15 s each at most) and the wait: a wait that overruns reports its state.
  }, 45_000 + 30_000);

  it('met every kind of fault', () => {
    const kinds = new Set(h.ethoca.state.received.map((request) => request.fault ?? 'none'));
    expect(kinds).toEqual(
      new Set(['server-error', 'rate-limited', 'delay', 'reset', 'unavailable', 'none']),
    );
  });

  it('ends with exactly one final outcome per alert, every copy the same outcome', async () => {
    const sent = h.outcomesSent();
    const stored = new Map(
      (
        await h.query<{ alert_id: string; outcome: AlertOutcome; state: string }>(
          'SELECT alert_id, outcome, state FROM alert_outcomes WHERE alert_id = ANY($1)',
          [ids],
        )
      ).map((row) => [row.alert_id, row]),
    );
    expect(
      ids.map((id) => ({
        id,
        state: stored.get(id)?.state,
        recorded: h.ethoca.state.outcomes.get(id)?.outcome,
        copiesDiffer: (sent.get(id) ?? []).some(
          (copy) => !isDeepStrictEqual(copy, stored.get(id)?.outcome),
        ),
      })),
    ).toEqual(
      ids.map((id) => ({
        id,
        state: 'SENT',
        recorded: stored.get(id)?.outcome,
        copiesDiffer: false,
      })),
    );
  });

  it('counts a re-sent outcome that Ethoca already holds as sent', () => {
    // The stalled request was processed by the mock before its answer was held back, so the
    // service's retry of that batch met "already recorded" for each of its alerts.
    const stalled = h.ethoca.state.received.find((request) => request.fault === 'delay');
    const resent = alertIdsOf(stalled?.body);
    expect(resent.length).toBeGreaterThan(0);
    for (const id of resent) {
      expect(h.ethoca.state.outcomes.get(id)?.attempts).toBeGreaterThanOrEqual(2);
    }
  });

  it('waits at least Retry-After before sending a throttled batch again', () => {
    const received = h.ethoca.state.received;
    for (const kind of ['rate-limited', 'unavailable'] as const) {
      const index = received.findIndex((request) => request.fault === kind);
      const throttled = received[index]!;
      const throttledIds = new Set(alertIdsOf(throttled.body));
      const next = received
        .slice(index + 1)
        .find((request) => alertIdsOf(request.body).some((id) => throttledIds.has(id)));
      expect(next).toBeDefined();
      // The floor is counted from the answer, which came after the mock stamped the request.
      expect(next!.receivedAt.getTime() - throttled.receivedAt.getTime()).toBeGreaterThanOrEqual(
        1000,
      );
    }
  });

  it('was never refused for its signature', () => {
    expect(h.ethoca.state.received.filter((request) => request.status === 401)).toHaveLength(0);
  });
});

describe('per-alert failures in an answered batch', () => {
  it('retries a recoverable FAILURE until it succeeds and stops at a non-recoverable one', async () => {
    h.ethoca.state.faults.clear();
    const steered = steeredAlerts(9500, 8, ['not-found']);
    const recoverable = steered.slice(0, 4).map((item) => item.alert.alertId);
    const refused = steered.slice(4).map((item) => item.alert.alertId);
    h.ethoca.state.failAlerts(recoverable, { recoverable: true, times: 2 });
    h.ethoca.state.failAlerts(refused, { recoverable: false });

    await h.client(() => service.url).deliver(steered.map((item) => item.alert));
    await h.waitForStatus(recoverable, 'OUTCOME_SENT', {
      timeoutMs: 20_000,
      context: () => service.outputTail(),
    });
    await h.waitForStatus(refused, 'OUTCOME_FAILED', {
      timeoutMs: 20_000,
      context: () => service.outputTail(),
    });

    expect(recoverable.map((id) => h.ethoca.state.outcomes.get(id)?.attempts)).toEqual([
      3, 3, 3, 3,
    ]);
    expect(
      refused.map((id) => {
        const recorded = h.ethoca.state.outcomes.get(id);
        return [recorded?.attempts, recorded?.outcome];
      }),
    ).toEqual(refused.map(() => [1, undefined]));
    const rows = await h.query<{ state: string; attempts: number; last_error: string }>(
      'SELECT state, attempts, last_error FROM alert_outcomes WHERE alert_id = ANY($1)',
      [refused],
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'FAILED', attempts: 1 });
      expect(row.last_error).toContain('ALERT_NOT_FOUND');
    }
  });
});
