import { isDeepStrictEqual } from 'node:util';
import { IDEMPOTENCY_KEY_HEADER, PSP_REFUNDS_PATH, type AlertOutcome } from '@mastercom/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness, type Harness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts, transactionsOf } from './support/steering.js';
import { waitFor } from '@mastercom/testkit';

const h = useHarness();
let service: ServiceProcess;

/**
 * A job whose worker was killed stays `active` until pg-boss notices the missing heartbeats
 * (10 s, checked every 10 s) and retries it with a 2 s backoff: about half a minute at worst.
 */
const RECOVERY_TIMEOUT_MS = 60_000;

/** How long a scenario may wait for its first request at a fake before it kills the service. */
const FIRST_REQUEST_TIMEOUT_MS = 20_000;

/**
 * A scenario's hook waits for a first request, a restart (the harness allows 30 s to be ready)
 * and the recovery, plus its own deliveries and the kill. Its limit covers them all, so a wait
 * that overruns fails with what it saw and the service's output rather than a bare hook timeout.
 */
const SCENARIO_HOOK_TIMEOUT_MS = FIRST_REQUEST_TIMEOUT_MS + 30_000 + RECOVERY_TIMEOUT_MS + 30_000;

beforeAll(async () => {
  service = await h.startService('all');
});

/** Counts of `process-alert` job states for `ids`; every job must end `completed`. */
async function jobStates(
  harness: Harness,
  ids: readonly string[],
): Promise<Record<string, number>> {
  const rows = await harness.query<{ state: string; n: number }>(
    `SELECT state::text, count(*)::int AS n FROM pgboss.job
      WHERE name = 'process-alert' AND data->>'alertId' = ANY($1) GROUP BY state`,
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

async function waitForJobsCompleted(ids: readonly string[]): Promise<void> {
  await waitFor(
    'every process-alert job to complete',
    async () => {
      const states = await jobStates(h, ids);
      return states.completed === ids.length && Object.keys(states).length === 1
        ? { done: true, value: undefined }
        : { done: false, state: states };
    },
    { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 250, context: () => service.outputTail() },
  );
}

async function outcomeStates(ids: readonly string[]): Promise<Record<string, number>> {
  const rows = await h.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM alert_outcomes WHERE alert_id = ANY($1) GROUP BY state',
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

describe('kill -9 while outcome batches are in flight', () => {
  const steered = steeredAlerts(13_000, 50);
  const ids = steered.map((item) => item.alert.alertId);
  let inFlightAtKill = 0;

  beforeAll(async () => {
    // Ethoca records each outcome and then holds its answer back, so the killed process never
    // learns that the batches it had in flight were accepted.
    h.ethoca.state.faults.failShare(1, { kind: 'delay', ms: 1500 });
    const client = h.client(() => service.url);
    await client.recordTransactions(transactionsOf(steered));
    await client.deliver(steered.map((item) => item.alert));
    await waitFor(
      'a first outcome batch to reach Ethoca',
      () =>
        Promise.resolve(
          h.ethoca.state.received.length > 0
            ? { done: true, value: undefined }
            : { done: false, state: { received: 0 } },
        ),
      {
        timeoutMs: FIRST_REQUEST_TIMEOUT_MS,
        intervalMs: 20,
        context: () => service.outputTail(),
      },
    );
    await service.kill('SIGKILL');
    inFlightAtKill = (await outcomeStates(ids)).IN_FLIGHT ?? 0;
    h.ethoca.state.faults.clear();
    service = await service.restart();
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: RECOVERY_TIMEOUT_MS,
      context: () => service.outputTail(),
    });
  }, SCENARIO_HOOK_TIMEOUT_MS);

  it('was killed with outcomes claimed and unanswered', () => {
    expect(inFlightAtKill).toBeGreaterThan(0);
  });

  it('leaves nothing stuck: no outcome in flight and no job active', async () => {
    expect(await outcomeStates(ids)).toEqual({ SENT: ids.length });
    await waitForJobsCompleted(ids);
  });

  it('re-sends the unanswered batch, which Ethoca answers "already recorded", and no alert gets two outcomes', async () => {
    const sent = h.outcomesSent();
    const stored = new Map(
      (
        await h.query<{ alert_id: string; outcome: AlertOutcome }>(
          'SELECT alert_id, outcome FROM alert_outcomes WHERE alert_id = ANY($1)',
          [ids],
        )
      ).map((row) => [row.alert_id, row.outcome]),
    );
    expect(
      ids.map((id) => ({
        id,
        recorded: h.ethoca.state.outcomes.get(id)?.outcome,
        everyCopySame: (sent.get(id) ?? []).every((copy) =>
          isDeepStrictEqual(copy, stored.get(id)),
        ),
      })),
    ).toEqual(ids.map((id) => ({ id, recorded: stored.get(id), everyCopySame: true })));
    const resent = ids.filter((id) => (h.ethoca.state.outcomes.get(id)?.attempts ?? 0) >= 2);
    expect(resent.length).toBeGreaterThan(0);
    const sentEvents = await h.query<{ reason: string; n: number }>(
      `SELECT reason, count(*)::int AS n FROM alert_events
        WHERE alert_id = ANY($1) AND to_status = 'OUTCOME_SENT' GROUP BY reason`,
      [resent],
    );
    expect(sentEvents).toEqual([{ reason: 'Ethoca already held this outcome', n: resent.length }]);
  });
});

describe('kill -9 while refunds are in flight at the PSP', () => {
  const steered = steeredAlerts(14_000, 30, ['not-fulfilled', 'refund-under-ceiling']);
  const ids = steered.map((item) => item.alert.alertId);

  beforeAll(async () => {
    // The PSP creates each refund and then answers slowly, so the killed worker never records
    // the refunds it asked for and its retried jobs ask again.
    h.psp.state.faults.failShare(1, { kind: 'delay', ms: 1000 });
    const client = h.client(() => service.url);
    await client.recordTransactions(transactionsOf(steered));
    await client.deliver(steered.map((item) => item.alert));
    // Only this batch's refund requests count: the previous scenario's are in the log too.
    const batch = new Set(ids);
    await waitFor(
      'refund requests of this batch to reach the PSP',
      () => {
        const count = h.psp.state.received.filter((request) =>
          batch.has((request.body as { alertId?: string } | undefined)?.alertId ?? ''),
        ).length;
        return Promise.resolve(
          count >= 4 ? { done: true, value: undefined } : { done: false, state: { count } },
        );
      },
      {
        timeoutMs: FIRST_REQUEST_TIMEOUT_MS,
        intervalMs: 20,
        context: () => service.outputTail(),
      },
    );
    await service.kill('SIGKILL');
    h.psp.state.faults.clear();
    service = await service.restart();
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: RECOVERY_TIMEOUT_MS,
      context: () => service.outputTail(),
    });
  }, SCENARIO_HOOK_TIMEOUT_MS);

  it('creates at most one refund per alert at the PSP, asked again under the same key', () => {
    const requests = h.psp.state.received.filter(
      (request) => request.method === 'POST' && request.path === PSP_REFUNDS_PATH,
    );
    const asked = new Map<string, number>();
    for (const request of requests) {
      const alertId = (request.body as { alertId: string }).alertId;
      expect(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]).toBe(alertId);
      asked.set(alertId, (asked.get(alertId) ?? 0) + 1);
    }
    const refunds = [...h.psp.state.refunds.values()];
    expect(
      steered.map((item) => ({
        id: item.alert.alertId,
        refunds: refunds.filter(
          (refund) => refund.transactionId === item.transaction!.transactionId,
        ).length,
      })),
    ).toEqual(steered.map((item) => ({ id: item.alert.alertId, refunds: 1 })));
    // The requests the killed worker had in flight were asked a second time and replayed.
    expect([...asked.values()].some((count) => count >= 2)).toBe(true);
  });

  it('records each refund once: one refund row and the transaction refunded once', async () => {
    const rows = await h.query<{
      alert_id: string;
      refunds: number;
      refunded: string;
      amount: string;
    }>(
      `SELECT a.alert_id, count(r.alert_id)::int AS refunds,
              t.refunded_value::text AS refunded, t.amount_value::text AS amount
         FROM alerts a
         JOIN merchant_transactions t ON t.transaction_id = a.matched_transaction_id
         LEFT JOIN alert_refunds r ON r.alert_id = a.alert_id AND r.status = 'SUCCEEDED'
        WHERE a.alert_id = ANY($1)
        GROUP BY a.alert_id, t.refunded_value, t.amount_value`,
      [ids],
    );
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      expect(row.refunds).toBe(1);
      expect(Number(row.refunded)).toBe(Number(row.amount));
    }
  });

  it('finishes every alert with one outcome and leaves no job active', async () => {
    expect(await outcomeStates(ids)).toEqual({ SENT: ids.length });
    expect(ids.map((id) => h.ethoca.state.outcomes.get(id)?.outcome?.refundStatus)).toEqual(
      ids.map(() => 'REFUNDED'),
    );
    await waitForJobsCompleted(ids);
  });
});
