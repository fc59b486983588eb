import { setTimeout as sleep } from 'node:timers/promises';
import { outcomeRequestSchema, type AlertOutcome } from '@mastercom/contracts';
import { claimDueOutcomes, OutcomeDispatcher, OUTCOMES_PATH } from '@mastercom/service';
import { describe, expect, it } from 'vitest';
import {
  alertState,
  eventTrail,
  outcomeRow,
  storeAlerts,
  usdAlert,
  useProcessing,
} from '../support/processing.js';
import { useTestApp } from '../support/test-app.js';

const t = useTestApp();
const processing = useProcessing(t);
const { ethoca } = processing;

let nextSeed = 4000;

/**
 * Alerts with a decided outcome waiting in the outbox: unmatched ones, which the rules answer
 * NOT_FOUND at once, so the outbox holds exactly what the receiver and the worker would leave.
 */
async function pendingOutcomes(count: number): Promise<string[]> {
  const alerts = Array.from({ length: count }, () => usdAlert((nextSeed += 1)));
  await storeAlerts(t, alerts);
  for (const alert of alerts) {
    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');
  }
  return alerts.map((alert) => alert.alertId);
}

/** Requests that reached the mock Outcome API since `from`, with the alert ids each carried. */
function callsSince(from: number) {
  return ethoca.received.slice(from).map((request) => ({
    status: request.status,
    alertIds: outcomeRequestSchema.parse(request.body).outcomes.map((outcome) => outcome.alertId),
  }));
}

/** Makes the outbox rows of `alertIds` due now, as if their wait had passed. */
async function makeDue(alertIds: readonly string[]): Promise<void> {
  await t.query('UPDATE alert_outcomes SET next_attempt_at = now() WHERE alert_id = ANY($1)', [
    alertIds,
  ]);
}

/** The service's warning lines logged since line `from`, parsed. */
function warnings(from: number): Record<string, unknown>[] {
  return t.logLines
    .slice(from)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.level === 'warn');
}

async function expectSentOnce(alertId: string): Promise<void> {
  expect((await alertState(t, alertId))?.status).toBe('OUTCOME_SENT');
  expect((await outcomeRow(t, alertId))?.state).toBe('SENT');
  expect(ethoca.outcomes.get(alertId)?.outcome?.alertId).toBe(alertId);
  const sent = (await eventTrail(t, alertId)).filter((event) => event.to_status === 'OUTCOME_SENT');
  expect(sent).toEqual([
    expect.objectContaining({ from_status: 'OUTCOME_PENDING', actor: 'system' }),
  ]);
}

describe('OutcomeDispatcher with the Ethoca Outcome API client', () => {
  it('sends 60 pending outcomes in three signed calls of at most 25 and marks each alert sent', async () => {
    const ids = await pendingOutcomes(60);
    const from = ethoca.received.length;

    expect(await processing.dispatcher().flush()).toBe(60);

    const calls = callsSince(from);
    expect(calls.map((call) => call.alertIds.length)).toEqual([25, 25, 10]);
    // The mock answers 401 to a bad signature or body hash: 200 means each call verified.
    expect(calls.map((call) => call.status)).toEqual([200, 200, 200]);
    expect(ethoca.received.slice(from).every((request) => request.path === OUTCOMES_PATH)).toBe(
      true,
    );
    expect(calls.flatMap((call) => call.alertIds).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      await expectSentOnce(id);
      expect((await outcomeRow(t, id))?.attempts).toBe(1);
    }
  });

  it('keeps up to `concurrency` calls in flight while full batches are due, each outcome in one call', async () => {
    const ids = await pendingOutcomes(110);
    const from = ethoca.received.length;
    let inFlight = 0;
    let mostInFlight = 0;
    const dispatcher = new OutcomeDispatcher(
      {
        db: t.db,
        // The real client, held for a moment per call so that overlapping calls can be seen.
        sender: {
          send: async (outcomes) => {
            inFlight += 1;
            mostInFlight = Math.max(mostInFlight, inFlight);
            try {
              await sleep(100);
              return await processing.client.send(outcomes);
            } finally {
              inFlight -= 1;
            }
          },
        },
        logger: t.logger,
        metrics: t.metrics,
      },
      {
        batchSize: 25,
        concurrency: 3,
        flushIntervalMs: 50,
        leaseMs: 60_000,
        backoffBaseMs: 10,
        backoffCapMs: 20,
        retryBudgetMs: 3_600_000,
      },
    );

    expect(await dispatcher.flush()).toBe(110);

    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(3);
    const calls = callsSince(from);
    expect(calls.map((call) => call.alertIds.length).sort((a, b) => a - b)).toEqual([
      10, 25, 25, 25, 25,
    ]);
    expect(calls.flatMap((call) => call.alertIds).sort()).toEqual([...ids].sort());
    for (const id of ids) await expectSentOnce(id);
  });

  it('delivers everything once started, full batches back to back, and stops cleanly', async () => {
    const ids = await pendingOutcomes(30);
    const from = ethoca.received.length;
    const dispatcher = processing.dispatcher({ flushIntervalMs: 20 });

    dispatcher.start();
    try {
      await expect
        .poll(async () => {
          const [row] = await t.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM alerts WHERE alert_id = ANY($1) AND status = 'OUTCOME_SENT'",
            [ids],
          );
          return row?.n;
        })
        .toBe(30);
    } finally {
      await dispatcher.stop();
    }

    expect(callsSince(from).map((call) => call.alertIds.length)).toEqual([25, 5]);
  });

  it('honours Retry-After on a 429: no attempt before it, then sent', async () => {
    const [id] = await pendingOutcomes(1);
    const dispatcher = processing.dispatcher();
    ethoca.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 30 });
    const from = ethoca.received.length;

    expect(await dispatcher.flush()).toBe(1);
    const waiting = await outcomeRow(t, id!);
    expect(waiting).toMatchObject({ state: 'PENDING', attempts: 1 });
    expect(waiting?.last_error).toMatch(/^Ethoca answered 429/);
    // The backoff here is at most 20 ms; the wait is the server's 30 s.
    expect(waiting?.wait_ms).toBeGreaterThanOrEqual(29_900);
    expect(await dispatcher.flush()).toBe(0);
    expect(callsSince(from)).toHaveLength(1);

    await makeDue([id!]);
    expect(await dispatcher.flush()).toBe(1);
    expect(callsSince(from).map((call) => call.status)).toEqual([429, 200]);
    await expectSentOnce(id!);
  });

  it.each([
    ['a 500 answer', { kind: 'server-error' }, /^Ethoca answered 500/],
    ['a reset connection', { kind: 'reset' }, /./],
  ] as const)('retries after %s and then sends', async (_name, fault, error) => {
    const ids = await pendingOutcomes(2);
    const dispatcher = processing.dispatcher();
    ethoca.faults.failNext(1, fault);
    const logFrom = t.logLines.length;

    expect(await dispatcher.flush()).toBe(2);
    // The on-call person sees the unanswered call, once for the call, with its reason.
    expect(warnings(logFrom)).toEqual([
      expect.objectContaining({
        msg: 'Outcome API call not answered; its outcomes will be sent again',
        outcomes: 2,
        reason: expect.stringMatching(error) as string,
      }),
    ]);
    for (const id of ids) {
      expect(await outcomeRow(t, id)).toMatchObject({ state: 'PENDING', attempts: 1 });
      expect((await outcomeRow(t, id))?.last_error).toMatch(error);
      expect((await alertState(t, id))?.status).toBe('OUTCOME_PENDING');
    }

    await makeDue(ids);
    expect(await dispatcher.flush()).toBe(2);
    for (const id of ids) {
      await expectSentOnce(id);
      expect((await outcomeRow(t, id))?.attempts).toBe(2);
    }
  });

  it('fails an alert Ethoca refuses for good, with an event, and sends the rest of its batch', async () => {
    const [refused, accepted] = await pendingOutcomes(2);
    ethoca.failAlerts([refused!], { recoverable: false, reasonCode: 'ALERT_NOT_FOUND' });

    expect(await processing.dispatcher().flush()).toBe(2);

    expect((await alertState(t, refused!))?.status).toBe('OUTCOME_FAILED');
    expect(await outcomeRow(t, refused!)).toMatchObject({ state: 'FAILED', attempts: 1 });
    expect((await outcomeRow(t, refused!))?.last_error).toMatch(/^ALERT_NOT_FOUND: /);
    expect((await eventTrail(t, refused!)).at(-1)).toMatchObject({
      from_status: 'OUTCOME_PENDING',
      to_status: 'OUTCOME_FAILED',
      actor: 'system',
      reason: expect.stringMatching(/^Ethoca refused the outcome: ALERT_NOT_FOUND/) as string,
    });
    await expectSentOnce(accepted!);
  });

  it('retries an alert whose failure Ethoca marks recoverable', async () => {
    const [id] = await pendingOutcomes(1);
    ethoca.failAlerts([id!], { recoverable: true, times: 1 });
    const dispatcher = processing.dispatcher();

    await dispatcher.flush();
    expect(await outcomeRow(t, id!)).toMatchObject({ state: 'PENDING', attempts: 1 });

    await makeDue([id!]);
    await dispatcher.flush();
    await expectSentOnce(id!);
  });

  it('counts OUTCOME_ALREADY_RECORDED as sent', async () => {
    const [id] = await pendingOutcomes(1);
    // Ethoca already holds this outcome: an earlier call delivered it and its answer was lost.
    const stored = (await outcomeRow(t, id!))?.outcome as AlertOutcome;
    expect(await processing.client.send([stored])).toMatchObject({ kind: 'answered' });
    const logFrom = t.logLines.length;

    await processing.dispatcher().flush();
    expect(warnings(logFrom)).toEqual([
      expect.objectContaining({ msg: 'Ethoca already held outcomes sent again', outcomes: 1 }),
    ]);

    await expectSentOnce(id!);
    expect(ethoca.outcomes.get(id!)).toMatchObject({ outcome: stored, attempts: 2 });
    expect((await eventTrail(t, id!)).at(-1)?.reason).toBe('Ethoca already held this outcome');
  });

  it('re-sends a claim whose lease expired after a crash before the call, and it is sent once', async () => {
    const [id] = await pendingOutcomes(1);
    // A dispatcher claims the outcome and dies before calling Ethoca.
    const crashed = await claimDueOutcomes(t.db, { limit: 25, leaseMs: 200 });
    expect(crashed.map((claim) => claim.alertId)).toEqual([id]);
    const dispatcher = processing.dispatcher();
    expect(await dispatcher.flush()).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await dispatcher.flush()).toBe(1);

    await expectSentOnce(id!);
    expect(ethoca.outcomes.get(id!)?.attempts).toBe(1);
    expect((await outcomeRow(t, id!))?.attempts).toBe(2);
  });

  it('re-sends a claim whose lease expired after a crash during the call, and Ethoca keeps one outcome', async () => {
    const [id] = await pendingOutcomes(1);
    // This time the dying dispatcher's call reached Ethoca, but nothing was settled.
    const [claim] = await claimDueOutcomes(t.db, { limit: 25, leaseMs: 200 });
    await processing.client.send([claim!.outcome]);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await processing.dispatcher().flush()).toBe(1);

    await expectSentOnce(id!);
    expect(ethoca.outcomes.get(id!)).toMatchObject({ outcome: claim!.outcome, attempts: 2 });
  });

  it('dead-letters an outcome whose retry budget is spent', async () => {
    const [id] = await pendingOutcomes(1);
    // The alert arrived 13 hours ago; the budget is 12 hours from receipt.
    await t.query(
      "UPDATE alerts SET received_at = now() - interval '13 hours' WHERE alert_id = $1",
      [id],
    );
    ethoca.faults.failNext(1, { kind: 'server-error' });

    expect(await processing.dispatcher().flush()).toBe(1);

    expect(await outcomeRow(t, id!)).toMatchObject({ state: 'DEAD_LETTER', attempts: 1 });
    expect((await alertState(t, id!))?.status).toBe('OUTCOME_FAILED');
    expect((await eventTrail(t, id!)).at(-1)).toMatchObject({
      from_status: 'OUTCOME_PENDING',
      to_status: 'OUTCOME_FAILED',
      actor: 'system',
      reason: expect.stringMatching(/^retry budget exhausted: Ethoca answered 500/) as string,
    });
    expect(ethoca.outcomes.get(id!)?.outcome).toBeUndefined();
  });

  it('leaves nothing due once every test has settled its outcomes', async () => {
    expect(await processing.dispatcher().flush()).toBe(0);
    const [row] = await t.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM alert_outcomes WHERE state IN ('PENDING', 'IN_FLIGHT')",
    );
    expect(row?.n).toBe(0);
  });
});
