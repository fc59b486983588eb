import type { EthocaAlert, MerchantTransaction } from '@mastercom/contracts';
import { transactionForAlert } from '@mastercom/contracts/fixtures';
import { processAlerts, recordRuleOutcome, RefundNotConfirmedError } from '@mastercom/service';
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
  usdAlert,
  useProcessing,
} from '../support/processing.js';
import { deliver, operatorPost, useTestApp } from '../support/test-app.js';

const t = useTestApp();
const processing = useProcessing(t, { refundCeilings: { USD: 200 } });
const { psp } = processing;

let next = 0;
/** Alerts about one transaction (same ARN), and that transaction as the merchant imports it. */
function shared(
  values: readonly number[],
  transaction: Partial<MerchantTransaction>,
): { alerts: EthocaAlert[]; transaction: MerchantTransaction } {
  next += 1;
  const arn = `7412${String(next).padStart(19, '0')}`;
  const alerts = values.map((value, index) =>
    usdAlert(8_000_000 + next * 10 + index, {
      value,
      alertType: index % 2 === 0 ? 'CONFIRMEDFRAUD' : 'CUSTOMERDISPUTE',
      acquirerReferenceNumber: arn,
    }),
  );
  return {
    alerts,
    transaction: transactionForAlert(alerts[0]!, {
      transactionId: `tx_reserve_${next}`,
      acquirerReferenceNumber: arn,
      fulfilment: 'NOT_FULFILLED',
      transactionAt: '2026-01-01T00:00:00Z',
      ...transaction,
    }),
  };
}

function pspRefundsFor(transactionId: string) {
  return [...psp.refunds.values()].filter((refund) => refund.transactionId === transactionId);
}

describe('a transaction is refunded once, however many alerts are about it', () => {
  it('three alerts in one delivery and one batch refund the 150.00 once, in three parts at most', async () => {
    const { alerts, transaction } = shared([100, 100, 100], {
      amount: { value: 150, currencyCode: 'USD' },
    });
    await storeAlerts(t, alerts);
    await importTransactions(t, [transaction]);

    const settled = await processAlerts(
      processing.deps(),
      alerts.map((alert) => alert.alertId),
    );

    // Under the lock the first reserves 100, the second what is left (50), and the third finds
    // the transaction refunded in full once the first two are settled.
    const results = [...settled.values()];
    expect(results.filter((entry) => 'result' in entry)).toHaveLength(2);
    const refunded = pspRefundsFor(transaction.transactionId);
    expect(refunded.map((refund) => refund.amount.value).sort()).toEqual([100, 50].sort());
    expect(await refundedValue(t, transaction.transactionId)).toBe('150.000');
    const third = alerts.find(
      (alert) => settled.get(alert.alertId) && 'error' in settled.get(alert.alertId)!,
    )!;
    expect((settled.get(third.alertId) as { error: unknown }).error).toBeInstanceOf(
      RefundNotConfirmedError,
    );
    // Its retry decides on the settled figures: refunded in full before it, no third refund.
    await processAlerts(processing.deps(), [third.alertId]);
    expect((await outcomeRow(t, third.alertId))?.outcome).toMatchObject({
      refundStatus: 'REFUNDED',
    });
    expect(await refundRows(t, third.alertId)).toEqual([]);
    expect(pspRefundsFor(transaction.transactionId)).toHaveLength(2);
  });

  it('three concurrent deliveries and three workers refund the 150.00 once', async () => {
    const { alerts, transaction } = shared([150, 150, 150], {
      amount: { value: 150, currencyCode: 'USD' },
    });
    await importTransactions(t, [transaction]);
    const answers = await Promise.all(alerts.map((alert) => deliver(t.app, { alerts: [alert] })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);

    for (let round = 0; round < 5; round += 1) {
      await Promise.all(alerts.map((alert) => processAlerts(processing.deps(), [alert.alertId])));
    }

    expect(pspRefundsFor(transaction.transactionId)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', amount: { value: 150, currencyCode: 'USD' } }),
    ]);
    expect(await refundedValue(t, transaction.transactionId)).toBe('150.000');
    expect(await reservedValue(t, transaction.transactionId)).toBe('0.000');
    for (const alert of alerts) expect(await outcomeRow(t, alert.alertId)).toBeDefined();
  });

  it('an alert waits while the rest of the transaction is reserved for a refund in flight', async () => {
    const { alerts, transaction } = shared([150, 150], {
      amount: { value: 150, currencyCode: 'USD' },
    });
    const [first, second] = alerts as [EthocaAlert, EthocaAlert];
    await storeAlerts(t, alerts);
    await importTransactions(t, [transaction]);
    psp.markPending(transaction.transactionId);

    await expect(processing.process(first.alertId)).rejects.toThrow(RefundNotConfirmedError);
    await expect(processing.process(second.alertId)).rejects.toThrow(
      /RESERVED_ELSEWHERE.*150.00 USD of transaction tx_reserve_\d+ is reserved by refunds in flight/,
    );
    expect(await refundRows(t, second.alertId)).toEqual([]);
    expect((await alertState(t, second.alertId))?.status).toBe('MATCHED');

    const [pending] = pspRefundsFor(transaction.transactionId);
    psp.completeRefund(pending!.refundId, 'FAILED');
    // The refusal releases the reservation; the waiting alert may now have the money.
    await expect(processing.process(first.alertId)).resolves.toBe('refund-failed');
    psp.faults.clear();
    const completing = processing.process(second.alertId);
    await expect(completing).rejects.toThrow(RefundNotConfirmedError);
    const [, secondRefund] = pspRefundsFor(transaction.transactionId);
    psp.completeRefund(secondRefund!.refundId, 'SUCCEEDED');
    await expect(processing.process(second.alertId)).resolves.toBe('outcome-recorded');
    expect(await refundedValue(t, transaction.transactionId)).toBe('150.000');
    expect(await reservedValue(t, transaction.transactionId)).toBe('0.000');
  });

  it('the database refuses a reservation past the amount, whatever the code above it does', async () => {
    const { transaction } = shared([10], { amount: { value: 100, currencyCode: 'USD' } });
    await importTransactions(t, [transaction]);
    await expect(
      t.query(
        `UPDATE merchant_transactions SET refund_reserved_value = 100.01 WHERE transaction_id = $1`,
        [transaction.transactionId],
      ),
    ).rejects.toThrow(/merchant_transactions_refunds_within_amount/);
    expect(await reservedValue(t, transaction.transactionId)).toBe('0.000');
  });
});

describe('agents and refunds in flight', () => {
  it('an agent gets 409 while the PSP has the refund, and the confirmed refund is recorded', async () => {
    const { alerts, transaction } = shared([120], { amount: { value: 120, currencyCode: 'USD' } });
    const [alert] = alerts as [EthocaAlert];
    await storeAlerts(t, alerts);
    await importTransactions(t, [transaction]);
    psp.markPending(transaction.transactionId);
    await expect(processing.process(alert.alertId)).rejects.toThrow(RefundNotConfirmedError);

    const refused = await operatorPost(t.app, `/api/v6/alerts/${alert.alertId}/outcome`, {
      outcome: 'MISSED',
      refundStatus: 'NOT_REFUNDED',
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      detail:
        'the alert is REFUND_REQUESTED; a refund for it is with the PSP, decide after its answer is recorded',
    });
    expect(await outcomeRow(t, alert.alertId)).toBeUndefined();

    const [pending] = pspRefundsFor(transaction.transactionId);
    psp.completeRefund(pending!.refundId, 'SUCCEEDED');
    await expect(processing.process(alert.alertId)).resolves.toBe('outcome-recorded');
    const recorded = await outcomeRow(t, alert.alertId);
    expect(recorded?.decided_by).toBe('rule');
    expect(recorded?.outcome).toMatchObject({ refundStatus: 'REFUNDED' });
    expect((await eventTrail(t, alert.alertId)).map((event) => event.to_status)).toEqual([
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
    ]);
  });

  it('a refund the PSP confirmed is recorded even when its alert was moved meanwhile', async () => {
    const { alerts, transaction } = shared([80], { amount: { value: 80, currencyCode: 'USD' } });
    const [alert] = alerts as [EthocaAlert];
    await storeAlerts(t, alerts);
    await importTransactions(t, [transaction]);
    psp.markPending(transaction.transactionId);
    await expect(processing.process(alert.alertId)).rejects.toThrow(RefundNotConfirmedError);
    const [pending] = pspRefundsFor(transaction.transactionId);
    const confirmed = psp.completeRefund(pending!.refundId, 'SUCCEEDED');
    const row = await t.db
      .selectFrom('alerts')
      .selectAll()
      .where('alert_id', '=', alert.alertId)
      .executeTakeFirstOrThrow();
    // Nothing in the service moves an alert out of REFUND_REQUESTED but the PSP's answer; an
    // operator's repair in the database is how it could happen while the worker holds the answer.
    await t.query(`UPDATE alerts SET status = 'OUTCOME_PENDING' WHERE alert_id = $1`, [
      alert.alertId,
    ]);
    const decision = {
      rule: 'not-fulfilled',
      outcome: 'STOPPED',
      action: 'refund',
      stopped: true,
      previouslyRefunded: false,
    } as const;
    const amount = { minor: 8000, currencyCode: 'USD' };

    await expect(
      recordRuleOutcome(t.db, {
        alert: row,
        from: 'REFUND_REQUESTED',
        decision,
        refund: {
          reservation: {
            alertId: alert.alertId,
            transactionId: transaction.transactionId,
            amount,
            decision,
          },
          result: { refundId: confirmed.refundId, status: 'SUCCEEDED', amount },
        },
        at: new Date(),
      }),
    ).rejects.toThrow(/OUTCOME_PENDING -> OUTCOME_PENDING/);

    // The alert's move was refused; the money's record was not.
    expect(await refundRows(t, alert.alertId)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', psp_refund_id: confirmed.refundId }),
    ]);
    expect(await refundedValue(t, transaction.transactionId)).toBe('80.000');
    expect(await reservedValue(t, transaction.transactionId)).toBe('0.000');
  });
});

describe('a ledger re-import and the refunds this service made', () => {
  async function refundedOnce(): Promise<MerchantTransaction> {
    const { alerts, transaction } = shared([60], { amount: { value: 100, currencyCode: 'USD' } });
    await storeAlerts(t, alerts);
    await importTransactions(t, [transaction]);
    await expect(processing.process(alerts[0]!.alertId)).resolves.toBe('outcome-recorded');
    expect(await refundedValue(t, transaction.transactionId)).toBe('60.000');
    return transaction;
  }

  it('never lowers refunded_value below what this service refunded', async () => {
    const transaction = await refundedOnce();
    await importTransactions(t, [{ ...transaction, refundedValue: 0 }]);
    expect(await refundedValue(t, transaction.transactionId)).toBe('60.000');
    await importTransactions(t, [{ ...transaction, refundedValue: 75.5 }]);
    expect(await refundedValue(t, transaction.transactionId)).toBe('75.500');
  });

  it('refuses an amount below what is refunded and reserved, and stores nothing of the import', async () => {
    const transaction = await refundedOnce();
    const other = shared([1], {}).transaction;
    const res = await operatorPost(t.app, '/api/v6/transactions', {
      transactions: [
        { ...other, descriptor: 'NEW ROW' },
        { ...transaction, amount: { value: 59.99, currencyCode: 'USD' } },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      {
        field: 'transactions[1]',
        message: `${transaction.transactionId} 60.00 USD is refunded or reserved for refunds in flight; the amount cannot be less`,
      },
    ]);
    const rows = await t.query(
      'SELECT transaction_id, amount_value::text FROM merchant_transactions WHERE transaction_id = ANY($1)',
      [[transaction.transactionId, other.transactionId]],
    );
    expect(rows).toEqual([{ transaction_id: transaction.transactionId, amount_value: '100.000' }]);
  });

  it('refuses a currency change of a refunded transaction and a repeated id in one import', async () => {
    const transaction = await refundedOnce();
    const changed = await operatorPost(t.app, '/api/v6/transactions', {
      transactions: [{ ...transaction, amount: { value: 100, currencyCode: 'EUR' } }],
    });
    expect(changed.status).toBe(409);
    expect(changed.body.errors[0].message).toMatch(
      /has refunds in USD; its currency cannot change/,
    );

    const repeated = await operatorPost(t.app, '/api/v6/transactions', {
      transactions: [transaction, transaction],
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors).toEqual([
      {
        field: 'transactions[1].transactionId',
        message: 'repeats transactions[0]; each transaction appears once per import',
      },
    ]);
  });
});
