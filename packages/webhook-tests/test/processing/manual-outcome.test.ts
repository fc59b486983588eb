import {
  alertOutcomeSchema,
  amountWhenNothingMoved,
  manualOutcomeResponseSchema,
  problemDetailsSchema,
  type EthocaAlert,
} from '@mastercom/contracts';
import {
  createAlertId,
  invalidExamples,
  SeededRandom,
  transactionForAlert,
} from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  alertState,
  eventTrail,
  importTransactions,
  outcomeRow,
  storeAlerts,
  storedTransactionAt,
  usdAlert,
  useProcessing,
} from '../support/processing.js';
import { operatorPost, useTestApp } from '../support/test-app.js';

const t = useTestApp();
// Unmatched alerts wait for an agent, as they do in production while the hold lasts.
const processing = useProcessing(t, { unmatchedHoldMs: 3_600_000 });

const path = (alertId: string) => `/api/v6/alerts/${alertId}/outcome`;

/** An alert the rules could not match: UNMATCHED, waiting for an agent. */
async function unmatchedAlert(alert: EthocaAlert): Promise<EthocaAlert> {
  await storeAlerts(t, [alert]);
  expect(await processing.process(alert.alertId)).toBe('held-for-agent');
  return alert;
}

/** An alert matched to a transaction whose refund the PSP declined: MATCHED, for an agent. */
async function matchedAlert(alert: EthocaAlert): Promise<EthocaAlert> {
  await storeAlerts(t, [alert]);
  const transaction = transactionForAlert(alert, {
    transactionAt: (await storedTransactionAt(t, alert.alertId)).toISOString(),
    fulfilment: 'NOT_FULFILLED',
  });
  await importTransactions(t, [transaction]);
  processing.psp.markFailing([transaction.transactionId]);
  await expect(processing.process(alert.alertId)).resolves.toBe('refund-failed');
  expect((await alertState(t, alert.alertId))?.status).toBe('MATCHED');
  return alert;
}

/** Everything an agent's refused request must leave as it was. */
async function snapshot(alertId: string) {
  return {
    state: await alertState(t, alertId),
    outcome: await outcomeRow(t, alertId),
    events: await eventTrail(t, alertId),
  };
}

describe('POST /api/v6/alerts/:alertId/outcome', () => {
  it('accepts a decision for an UNMATCHED alert and fills the amounts the agent left out', async () => {
    const alert = await unmatchedAlert(usdAlert(5001, { alertType: 'CONFIRMEDFRAUD', value: 0.5 }));

    const res = await operatorPost(t.app, path(alert.alertId), {
      outcome: 'NOT_FOUND',
      refundStatus: 'NOT_REFUNDED',
      comments: 'no such order in the back office',
    });

    expect(res.status).toBe(202);
    expect(manualOutcomeResponseSchema.parse(res.body)).toEqual({
      alertId: alert.alertId,
      status: 'OUTCOME_PENDING',
      outcome: 'NOT_FOUND',
    });
    const row = await outcomeRow(t, alert.alertId);
    expect(row).toMatchObject({ decided_by: 'agent', state: 'PENDING' });
    const outcome = alertOutcomeSchema.parse(row?.outcome);
    // 0.50 USD is below the Outcome API's minimum of 1: the rule for unmoved amounts applies.
    const nothing = amountWhenNothingMoved({ value: 0.5, currencyCode: 'USD' });
    expect(nothing).toEqual({ value: 1, currencyCode: 'USD' });
    expect(outcome).toMatchObject({
      alertId: alert.alertId,
      outcome: 'NOT_FOUND',
      refundStatus: 'NOT_REFUNDED',
      refund: { amount: nothing },
      amountStopped: nothing,
      comments: 'no such order in the back office',
    });
    expect((await alertState(t, alert.alertId))?.status).toBe('OUTCOME_PENDING');
    expect((await eventTrail(t, alert.alertId)).at(-1)).toEqual({
      from_status: 'UNMATCHED',
      to_status: 'OUTCOME_PENDING',
      actor: 'agent',
      reason: 'agent decided NOT_FOUND, NOT_REFUNDED: no such order in the back office',
      detail: null,
    });
  });

  it('accepts a decision for a MATCHED alert and keeps the refund the agent reported', async () => {
    const alert = await matchedAlert(usdAlert(5002, { alertType: 'CUSTOMERDISPUTE', value: 80 }));
    const refund = {
      amount: { value: 80, currencyCode: 'USD' },
      type: 'VOUCHER',
      timestamp: '2026-03-04T15:22:10+00:00',
    };

    const res = await operatorPost(t.app, path(alert.alertId), {
      outcome: 'RESOLVED',
      refundStatus: 'REFUNDED',
      refund,
    });

    expect(res.status).toBe(202);
    const outcome = alertOutcomeSchema.parse((await outcomeRow(t, alert.alertId))?.outcome);
    expect(outcome).toMatchObject({
      outcome: 'RESOLVED',
      refundStatus: 'REFUNDED',
      refund,
      amountStopped: amountWhenNothingMoved({ value: 80, currencyCode: 'USD' }),
    });
    expect((await eventTrail(t, alert.alertId)).at(-1)).toMatchObject({
      from_status: 'MATCHED',
      to_status: 'OUTCOME_PENDING',
      actor: 'agent',
    });
  });

  it('answers 409 for an alert the rules have not looked at yet, and changes nothing', async () => {
    const alert = usdAlert(5003);
    await storeAlerts(t, [alert]);
    const before = await snapshot(alert.alertId);

    const res = await operatorPost(t.app, path(alert.alertId), {
      outcome: 'MISSED',
      refundStatus: 'NOT_REFUNDED',
    });

    expect(res.status).toBe(409);
    expect(problemDetailsSchema.parse(res.body).detail).toMatch(/RECEIVED/);
    expect(await snapshot(alert.alertId)).toEqual(before);
  });

  it('answers 409 once the alert has its outcome, pending or sent, and keeps that outcome', async () => {
    const pending = await unmatchedAlert(usdAlert(5004));
    const sent = await unmatchedAlert(usdAlert(5005));
    for (const alert of [pending, sent]) {
      await operatorPost(t.app, path(alert.alertId), {
        outcome: 'NOT_FOUND',
        refundStatus: 'NOT_REFUNDED',
      }).expect(202);
    }
    // Only the second alert's outcome is delivered; the first stays queued.
    await t.query(
      "UPDATE alert_outcomes SET next_attempt_at = now() + interval '1 hour' WHERE alert_id = $1",
      [pending.alertId],
    );
    await processing.dispatcher().flush();
    expect((await alertState(t, pending.alertId))?.status).toBe('OUTCOME_PENDING');
    expect((await alertState(t, sent.alertId))?.status).toBe('OUTCOME_SENT');

    for (const alert of [pending, sent]) {
      const before = await snapshot(alert.alertId);
      const res = await operatorPost(t.app, path(alert.alertId), {
        outcome: 'STOPPED',
        refundStatus: 'NOT_REFUNDED',
      });
      expect(res.status).toBe(409);
      expect(problemDetailsSchema.parse(res.body).detail).toMatch(/already decided/);
      expect(await snapshot(alert.alertId)).toEqual(before);
    }
  });

  it('lets exactly one of two agents deciding at once win', async () => {
    const alert = await unmatchedAlert(usdAlert(5006));
    const answers = await Promise.all(
      ['NOT_FOUND', 'OTHER'].map((outcome) =>
        operatorPost(t.app, path(alert.alertId), { outcome, refundStatus: 'NOT_REFUNDED' }),
      ),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([202, 409]);
    const winner = answers.find((res) => res.status === 202)?.body as { outcome: string };
    expect((await outcomeRow(t, alert.alertId))?.outcome).toMatchObject({
      outcome: winner.outcome,
    });
  });

  it.each([
    ['CONFIRMEDFRAUD', 'RESOLVED'],
    ['CUSTOMERDISPUTE', 'STOPPED'],
  ] as const)(
    'answers 400 naming outcome when %s gets %s, which Ethoca refuses for that type',
    async (alertType, outcome) => {
      const alert = await unmatchedAlert(
        usdAlert(alertType === 'CONFIRMEDFRAUD' ? 5007 : 5008, { alertType }),
      );
      const before = await snapshot(alert.alertId);

      const res = await operatorPost(t.app, path(alert.alertId), {
        outcome,
        refundStatus: 'NOT_REFUNDED',
      });

      expect(res.status).toBe(400);
      expect(problemDetailsSchema.parse(res.body).errors?.map((error) => error.field)).toEqual([
        'outcome',
      ]);
      expect(await snapshot(alert.alertId)).toEqual(before);
    },
  );

  it.each(
    invalidExamples.manualOutcomeRequest.map((example, index) => [example.name, example, index]),
  )('answers 400 for %s, naming the field', async (_name, example, index) => {
    const alert = await unmatchedAlert(usdAlert(5100 + index));
    const before = await snapshot(alert.alertId);

    const res = await operatorPost(t.app, path(alert.alertId), example.value);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemDetailsSchema.parse(res.body).errors?.map((error) => error.field)).toContain(
      example.field,
    );
    expect(await snapshot(alert.alertId)).toEqual(before);
  });

  it('answers 404 for an alert it does not hold', async () => {
    const unknown = createAlertId(new SeededRandom(5009));
    const res = await operatorPost(t.app, path(unknown), {
      outcome: 'NOT_FOUND',
      refundStatus: 'NOT_REFUNDED',
    });
    expect(res.status).toBe(404);
    expect(problemDetailsSchema.parse(res.body).detail).toContain(unknown);
    expect(await alertState(t, unknown)).toBeUndefined();
  });

  it('answers 401 without a valid bearer token, and changes nothing', async () => {
    const alert = await unmatchedAlert(usdAlert(5010));
    const before = await snapshot(alert.alertId);
    const body = { outcome: 'NOT_FOUND', refundStatus: 'NOT_REFUNDED' };

    const anonymous = await request(t.app).post(path(alert.alertId)).send(body);
    const wrongToken = await request(t.app)
      .post(path(alert.alertId))
      .set('authorization', 'Bearer someone-else')
      .send(body);

    expect([anonymous.status, wrongToken.status]).toEqual([401, 401]);
    expect(await snapshot(alert.alertId)).toEqual(before);
  });
});
