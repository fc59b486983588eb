import {
  alertOutcomeSchema,
  IDEMPOTENCY_KEY_HEADER,
  type EthocaAlert,
  type MerchantTransaction,
} from '@mastercom/contracts';
import { transactionForAlert } from '@mastercom/contracts/fixtures';
import {
  IllegalTransitionError,
  processAlerts,
  recordRuleOutcome,
  RefundNotConfirmedError,
  alertMove,
  moveAlert,
  type AlertMove,
} from '@mastercom/service';
import { describe, expect, it } from 'vitest';
import {
  alertState,
  eventTrail,
  importTransactions,
  outcomeRow,
  refundedValue,
  refundRows,
  reservedValue,
  storeAlerts,
  storedTransactionAt,
  usdAlert,
  useProcessing,
} from '../support/processing.js';
import { operatorPost, useTestApp } from '../support/test-app.js';

const t = useTestApp();
const processing = useProcessing(t, { refundCeilings: { USD: 200 } });
const { psp } = processing;

/**
 * Stores the alert through the webhook and, unless `transaction` is null, the merchant's record
 * of it at the alert's own transaction instant, so it matches by ARN or by card alike.
 */
async function scenario(
  alert: EthocaAlert,
  transaction: Partial<MerchantTransaction> | null,
): Promise<MerchantTransaction | undefined> {
  await storeAlerts(t, [alert]);
  if (transaction === null) return undefined;
  const at = await storedTransactionAt(t, alert.alertId);
  const record = transactionForAlert(alert, { transactionAt: at.toISOString(), ...transaction });
  await importTransactions(t, [record]);
  return record;
}

/** Refund requests the PSP received for this alert (its id is the idempotency key). */
function pspRequests(alertId: string) {
  const header = IDEMPOTENCY_KEY_HEADER.toLowerCase();
  return psp.received.filter((request) => request.headers[header] === alertId);
}

function pspRefundsFor(transactionId: string) {
  return [...psp.refunds.values()].filter((refund) => refund.transactionId === transactionId);
}

/**
 * The event trail walks `statuses` one transition per event, each from the status the previous
 * one reached, each decided by the rules (after the receiver's RECEIVED) and each with a reason.
 */
async function expectTrail(alertId: string, statuses: string[]): Promise<void> {
  const trail = await eventTrail(t, alertId);
  expect(trail.map((event) => event.to_status)).toEqual(statuses);
  expect(trail[0]).toMatchObject({ from_status: null, actor: 'system' });
  trail.slice(1).forEach((event, index) => {
    expect(event.from_status).toBe(statuses[index]);
    expect(event.actor).toBe('rule');
    expect(event.reason.length).toBeGreaterThan(10);
  });
}

/** The stored outcome, checked against the Outcome API's schema. */
async function storedOutcome(alertId: string) {
  const row = await outcomeRow(t, alertId);
  expect(row).toMatchObject({ decided_by: 'rule', state: 'PENDING', attempts: 0 });
  return alertOutcomeSchema.parse(row?.outcome);
}

describe('processAlert, one decision rule at a time', () => {
  it('not-found: answers NOT_FOUND without asking the PSP', async () => {
    const alert = usdAlert(3001, { alertType: 'CUSTOMERDISPUTE' });
    await scenario(alert, null);

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(await storedOutcome(alert.alertId)).toMatchObject({
      outcome: 'NOT_FOUND',
      refundStatus: 'NOT_REFUNDED',
      refund: { amount: { value: 150, currencyCode: 'USD' } },
      amountStopped: { value: 150, currencyCode: 'USD' },
    });
    expect(pspRequests(alert.alertId)).toEqual([]);
    await expectTrail(alert.alertId, ['RECEIVED', 'UNMATCHED', 'OUTCOME_PENDING']);
  });

  it('not-found: holds an unmatched alert for an agent until the hold runs out', async () => {
    const alert = usdAlert(3002);
    await scenario(alert, null);

    expect(await processing.process(alert.alertId, { unmatchedHoldMs: 3_600_000 })).toBe(
      'held-for-agent',
    );
    expect((await alertState(t, alert.alertId))?.status).toBe('UNMATCHED');
    expect(await outcomeRow(t, alert.alertId)).toBeUndefined();

    expect(await processing.process(alert.alertId, { unmatchedHoldMs: 0 })).toBe(
      'outcome-recorded',
    );
    expect((await storedOutcome(alert.alertId)).outcome).toBe('NOT_FOUND');
  });

  it('not-settled: voids through the PSP and reports NOT_SETTLED', async () => {
    const alert = usdAlert(3003);
    const transaction = await scenario(alert, { settled: false, fulfilment: 'NOT_FULFILLED' });
    psp.markUnsettled(transaction!.transactionId);

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(await storedOutcome(alert.alertId)).toMatchObject({
      outcome: 'STOPPED',
      refundStatus: 'NOT_SETTLED',
    });
    expect(await refundRows(t, alert.alertId)).toEqual([
      expect.objectContaining({
        status: 'NOT_SETTLED',
        transaction_id: transaction!.transactionId,
      }),
    ]);
    // A void moves no money, so the transaction's refunded total stays where it was.
    expect(await refundedValue(t, transaction!.transactionId)).toBe('0.000');
    expect(pspRequests(alert.alertId)).toHaveLength(1);
    await expectTrail(alert.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
  });

  it.each([
    ['CONFIRMEDFRAUD', { refundedValue: 150, fulfilment: 'FULFILLED' }, 'PREVIOUSLY_CANCELLED'],
    ['CUSTOMERDISPUTE', { fulfilment: 'CANCELLED' }, 'RESOLVED_PREVIOUSLY_REFUNDED'],
  ] as const)(
    'previously-refunded: a %s alert on a refunded or cancelled order is answered without the PSP',
    async (alertType, transactionFields, outcome) => {
      const alert = usdAlert(alertType === 'CONFIRMEDFRAUD' ? 3004 : 3005, { alertType });
      await scenario(alert, transactionFields);

      expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

      expect(await storedOutcome(alert.alertId)).toMatchObject({
        outcome,
        refundStatus: 'REFUNDED',
        refund: { type: 'REFUND' },
      });
      expect(pspRequests(alert.alertId)).toEqual([]);
      expect(await refundRows(t, alert.alertId)).toEqual([]);
      await expectTrail(alert.alertId, ['RECEIVED', 'MATCHED', 'OUTCOME_PENDING']);
    },
  );

  it('not-fulfilled: refunds through the PSP, records the refund and reports REFUNDED', async () => {
    const alert = usdAlert(3006);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    const [refund] = pspRefundsFor(transaction!.transactionId);
    expect(refund).toMatchObject({ status: 'SUCCEEDED', amount: { value: 150 } });
    expect(await storedOutcome(alert.alertId)).toMatchObject({
      outcome: 'STOPPED',
      refundStatus: 'REFUNDED',
      refund: {
        amount: { value: 150, currencyCode: 'USD' },
        type: 'REFUND',
        transactionId: refund!.refundId,
      },
    });
    expect(await refundRows(t, alert.alertId)).toEqual([
      {
        transaction_id: transaction!.transactionId,
        amount_value: '150.000',
        amount_currency: 'USD',
        status: 'SUCCEEDED',
        psp_refund_id: refund!.refundId,
      },
    ]);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
    expect(pspRequests(alert.alertId)).toHaveLength(1);
    await expectTrail(alert.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
  });

  it('not-fulfilled: refunds only what is left of a partly refunded transaction, in whole cents', async () => {
    const alert = usdAlert(3007, { value: 149.99 });
    const transaction = await scenario(alert, {
      fulfilment: 'NOT_FULFILLED',
      refundedValue: 50.01,
    });

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(pspRefundsFor(transaction!.transactionId)).toEqual([
      expect.objectContaining({
        status: 'SUCCEEDED',
        amount: { value: 99.98, currencyCode: 'USD' },
      }),
    ]);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('149.990');
    expect((await storedOutcome(alert.alertId)).refund.amount).toEqual({
      value: 99.98,
      currencyCode: 'USD',
    });
  });

  it('refund-under-ceiling: refunds a fulfilled order at or below the ceiling', async () => {
    const alert = usdAlert(3008, { alertType: 'CUSTOMERDISPUTE', value: 200 });
    const transaction = await scenario(alert, { fulfilment: 'FULFILLED' });

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(await storedOutcome(alert.alertId)).toMatchObject({
      outcome: 'RESOLVED',
      refundStatus: 'REFUNDED',
      refund: { amount: { value: 200, currencyCode: 'USD' }, type: 'REFUND' },
      comments: 'decided by rule refund-under-ceiling',
    });
    expect(pspRefundsFor(transaction!.transactionId)).toHaveLength(1);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('200.000');
    await expectTrail(alert.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
  });

  it('over-ceiling: fights a fulfilled order above the ceiling without asking the PSP', async () => {
    const alert = usdAlert(3009, { alertType: 'CUSTOMERDISPUTE', value: 200.01 });
    const transaction = await scenario(alert, { fulfilment: 'FULFILLED' });

    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(await storedOutcome(alert.alertId)).toMatchObject({
      outcome: 'UNRESOLVED_DISPUTE',
      refundStatus: 'NOT_REFUNDED',
      comments: 'decided by rule over-ceiling',
    });
    expect(pspRequests(alert.alertId)).toEqual([]);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('0.000');
    await expectTrail(alert.alertId, ['RECEIVED', 'MATCHED', 'OUTCOME_PENDING']);
  });
});

describe('processAlert when the PSP does not confirm the refund', () => {
  /**
   * The refund is reserved (REQUESTED before any answer, PENDING after one), nothing is recorded
   * as refunded, the alert waits in REFUND_REQUESTED and no outcome exists yet.
   */
  async function expectReserved(
    alertId: string,
    transactionId: string,
    status: 'REQUESTED' | 'PENDING',
  ): Promise<void> {
    expect((await alertState(t, alertId))?.status).toBe('REFUND_REQUESTED');
    expect(await refundRows(t, alertId)).toEqual([
      expect.objectContaining({ status, amount_value: '150.000' }),
    ]);
    expect(await outcomeRow(t, alertId)).toBeUndefined();
    expect(await refundedValue(t, transactionId)).toBe('0.000');
    expect(await reservedValue(t, transactionId)).toBe('150.000');
  }

  /** The PSP refused: the reservation is released and the alert waits in MATCHED for an agent. */
  async function expectReleased(alertId: string, transactionId: string): Promise<void> {
    expect((await alertState(t, alertId))?.status).toBe('MATCHED');
    expect(await refundRows(t, alertId)).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect(await outcomeRow(t, alertId)).toBeUndefined();
    expect(await refundedValue(t, transactionId)).toBe('0.000');
    expect(await reservedValue(t, transactionId)).toBe('0.000');
  }

  it('PENDING: throws for a retry, and the retry after the PSP completes it records one refund', async () => {
    const alert = usdAlert(3010);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });
    psp.markPending(transaction!.transactionId);

    await expect(processing.process(alert.alertId)).rejects.toThrow(RefundNotConfirmedError);
    await expectReserved(alert.alertId, transaction!.transactionId, 'PENDING');

    const [pending] = pspRefundsFor(transaction!.transactionId);
    psp.completeRefund(pending!.refundId, 'SUCCEEDED');
    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');

    expect(pspRefundsFor(transaction!.transactionId)).toHaveLength(1);
    expect(pspRequests(alert.alertId)).toHaveLength(2);
    expect(await refundRows(t, alert.alertId)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', psp_refund_id: pending!.refundId }),
    ]);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
    expect((await storedOutcome(alert.alertId)).refundStatus).toBe('REFUNDED');
  });

  it.each([
    ['a 500 answer', { kind: 'server-error' }],
    ['a reset connection', { kind: 'reset' }],
  ] as const)(
    '%s: throws for a retry, and the retry creates exactly one refund',
    async (_name, fault) => {
      const alert = usdAlert(fault.kind === 'server-error' ? 3011 : 3012);
      const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });
      psp.faults.failNext(1, fault);

      await expect(processing.process(alert.alertId)).rejects.toThrow(RefundNotConfirmedError);
      await expectReserved(alert.alertId, transaction!.transactionId, 'REQUESTED');

      expect(await processing.process(alert.alertId)).toBe('outcome-recorded');
      expect(pspRefundsFor(transaction!.transactionId)).toHaveLength(1);
      expect(pspRequests(alert.alertId)).toHaveLength(2);
      expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
      await expectTrail(alert.alertId, [
        'RECEIVED',
        'MATCHED',
        'REFUND_REQUESTED',
        'ACTIONED',
        'OUTCOME_PENDING',
      ]);
    },
  );

  it('FAILED: hands the alert to an agent without retrying, a second look gets the same refund back, and an agent can decide', async () => {
    const alert = usdAlert(3013);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });
    psp.markFailing([transaction!.transactionId]);

    await expect(processing.process(alert.alertId)).resolves.toBe('refund-failed');
    await expectReleased(alert.alertId, transaction!.transactionId);
    await expectTrail(alert.alertId, ['RECEIVED', 'MATCHED', 'REFUND_REQUESTED', 'MATCHED']);
    // The refused refund stays recorded under the alert: looking again neither reserves nor asks
    // the PSP a second time, and leaves the alert for an agent.
    await expect(processing.process(alert.alertId)).resolves.toBe('refund-failed');
    expect(pspRefundsFor(transaction!.transactionId)).toHaveLength(1);
    expect(pspRequests(alert.alertId)).toHaveLength(1);
    await expectReleased(alert.alertId, transaction!.transactionId);

    const decided = await operatorPost(t.app, `/api/v6/alerts/${alert.alertId}/outcome`, {
      outcome: 'MISSED',
      refundStatus: 'NOT_REFUNDED',
      comments: 'the issuer declined our refund',
    });
    expect(decided.status).toBe(202);
    expect(await processing.process(alert.alertId)).toBe('already-processed');
    expect(pspRequests(alert.alertId)).toHaveLength(1);
  });
});

describe('processAlerts, a batch as the worker takes it', () => {
  it('settles each alert on its own and counts two refunds of one transaction in its ledger', async () => {
    const refunded = usdAlert(3030);
    const unmatched = usdAlert(3031, { acquirerReferenceNumber: undefined, cardLast4: '3031' });
    // Two alerts about one transaction, found by its ARN.
    const sharedArn = '74123456789012345678901';
    const first = usdAlert(3032, { value: 100, acquirerReferenceNumber: sharedArn });
    const second = usdAlert(3033, { value: 100, acquirerReferenceNumber: sharedArn });
    const decidedBefore = usdAlert(3034, { acquirerReferenceNumber: undefined, cardLast4: '3034' });
    await storeAlerts(t, [refunded, unmatched, first, second, decidedBefore]);
    const [refundedTx, sharedTx] = [
      transactionForAlert(refunded, {
        transactionAt: (await storedTransactionAt(t, refunded.alertId)).toISOString(),
        fulfilment: 'NOT_FULFILLED',
      }),
      transactionForAlert(first, {
        transactionId: 'tx_shared_3032',
        amount: { value: 300, currencyCode: 'USD' },
        transactionAt: (await storedTransactionAt(t, first.alertId)).toISOString(),
        fulfilment: 'NOT_FULFILLED',
      }),
    ];
    await importTransactions(t, [refundedTx, sharedTx]);
    expect(await processing.process(decidedBefore.alertId)).toBe('outcome-recorded');

    const settled = await processAlerts(processing.deps(), [
      refunded.alertId,
      unmatched.alertId,
      first.alertId,
      second.alertId,
      decidedBefore.alertId,
      'ALERT-WITHOUT-A-ROW',
    ]);

    expect(Object.fromEntries(settled)).toEqual({
      [refunded.alertId]: { result: 'outcome-recorded' },
      [unmatched.alertId]: { result: 'outcome-recorded' },
      [first.alertId]: { result: 'outcome-recorded' },
      [second.alertId]: { result: 'outcome-recorded' },
      [decidedBefore.alertId]: { result: 'already-processed' },
      'ALERT-WITHOUT-A-ROW': { error: new Error('alert ALERT-WITHOUT-A-ROW has a job but no row') },
    });
    await expectTrail(refunded.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
    await expectTrail(unmatched.alertId, ['RECEIVED', 'UNMATCHED', 'OUTCOME_PENDING']);
    await expectTrail(first.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
    await expectTrail(second.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
    expect((await storedOutcome(unmatched.alertId)).outcome).toBe('NOT_FOUND');
    expect(await refundedValue(t, refundedTx.transactionId)).toBe('150.000');
    expect(pspRefundsFor(sharedTx.transactionId)).toHaveLength(2);
    expect(await refundedValue(t, sharedTx.transactionId)).toBe('200.000');
    for (const alert of [first, second]) {
      expect(await alertState(t, alert.alertId)).toMatchObject({
        matched_transaction_id: sharedTx.transactionId,
        match_method: 'arn',
      });
      expect(await refundRows(t, alert.alertId)).toEqual([
        expect.objectContaining({ amount_value: '100.000', status: 'SUCCEEDED' }),
      ]);
    }
  });
});

describe('processAlert and the state machine', () => {
  it('does nothing the second time it is called for the same alert', async () => {
    const alert = usdAlert(3014);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });
    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');
    const trail = await eventTrail(t, alert.alertId);
    const outcome = await outcomeRow(t, alert.alertId);

    expect(await processing.process(alert.alertId)).toBe('already-processed');

    expect(await eventTrail(t, alert.alertId)).toEqual(trail);
    expect(await outcomeRow(t, alert.alertId)).toEqual(outcome);
    expect(pspRequests(alert.alertId)).toHaveLength(1);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
  });

  it('refunds once when two workers process the same alert at the same time', async () => {
    const alert = usdAlert(3015);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });

    const results = await Promise.allSettled([
      processing.process(alert.alertId),
      processing.process(alert.alertId),
    ]);
    // A loser that hit the conditional transition is retried like any failed job.
    const losers = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    expect(losers.every((reason) => reason instanceof IllegalTransitionError)).toBe(true);
    expect(losers.length).toBeLessThan(2);
    expect(await processing.process(alert.alertId)).toBe('already-processed');

    expect(pspRefundsFor(transaction!.transactionId)).toHaveLength(1);
    expect(await refundRows(t, alert.alertId)).toHaveLength(1);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
    await expectTrail(alert.alertId, [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
  });

  it('a stale worker settling a refund already settled writes nothing', async () => {
    const alert = usdAlert(3017);
    const transaction = await scenario(alert, { fulfilment: 'NOT_FULFILLED' });
    expect(await processing.process(alert.alertId)).toBe('outcome-recorded');
    const trail = await eventTrail(t, alert.alertId);
    const outcome = await outcomeRow(t, alert.alertId);
    const refunds = await refundRows(t, alert.alertId);
    const stale = await t.db
      .selectFrom('alerts')
      .selectAll()
      .where('alert_id', '=', alert.alertId)
      .executeTakeFirstOrThrow();
    const decision = {
      rule: 'not-fulfilled',
      action: 'refund',
      outcome: 'STOPPED',
      stopped: true,
      previouslyRefunded: false,
    } as const;
    const amount = { minor: 15_000, currencyCode: 'USD' };

    await expect(
      recordRuleOutcome(t.db, {
        alert: { ...stale, status: 'REFUND_REQUESTED' },
        from: 'REFUND_REQUESTED',
        decision,
        refund: {
          reservation: {
            alertId: alert.alertId,
            transactionId: transaction!.transactionId,
            amount,
            decision,
          },
          result: { status: 'SUCCEEDED', refundId: 'stale-refund', amount },
        },
        at: new Date(),
      }),
    ).rejects.toThrow(/OUTCOME_PENDING -> OUTCOME_PENDING/);

    expect(await refundRows(t, alert.alertId)).toEqual(refunds);
    expect(await refundedValue(t, transaction!.transactionId)).toBe('150.000');
    expect(await reservedValue(t, transaction!.transactionId)).toBe('0.000');
    expect(await eventTrail(t, alert.alertId)).toEqual(trail);
    expect(await outcomeRow(t, alert.alertId)).toEqual(outcome);
  });

  it('refuses a move the table does not allow, and a move from a status the alert has left', async () => {
    const alert = usdAlert(3016);
    await scenario(alert, null);
    await processing.process(alert.alertId);
    const trail = await eventTrail(t, alert.alertId);

    await expect(
      // The types refuse this pair; a cast is how it could still arrive.
      moveAlert(t.db, { from: 'OUTCOME_PENDING', to: 'MATCHED' } as unknown as AlertMove, {
        alertId: alert.alertId,
        actor: 'agent',
        reason: 'going back is not allowed',
      }),
    ).rejects.toThrow(IllegalTransitionError);
    await expect(
      moveAlert(t.db, alertMove('RECEIVED', 'MATCHED'), {
        alertId: alert.alertId,
        actor: 'rule',
        reason: 'a stale worker that still thinks the alert is new',
      }),
    ).rejects.toThrow(/OUTCOME_PENDING -> MATCHED/);

    expect((await alertState(t, alert.alertId))?.status).toBe('OUTCOME_PENDING');
    expect(await eventTrail(t, alert.alertId)).toEqual(trail);
  });
});
