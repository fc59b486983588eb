import { transactionForAlert } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import {
  alertState,
  eventTrail,
  importTransactions,
  MATCH_WINDOW_HOURS,
  storeAlerts,
  storedTransactionAt,
  usdAlert,
  useProcessing,
} from '../support/processing.js';
import { useTestApp } from '../support/test-app.js';

const t = useTestApp();
// Unmatched alerts wait for an agent here, so an alert that finds nothing stays UNMATCHED and the
// assertions see the matcher's verdict alone. Matched ones are all over the ceiling, fulfilled,
// so processing ends without a refund.
const processing = useProcessing(t, { unmatchedHoldMs: 3_600_000, refundCeilings: {} });

const HOUR = 3_600_000;

/** An ISO instant `offsetMs` after `at`, as a transaction import carries it. */
function shifted(at: Date, offsetMs: number): string {
  return new Date(at.getTime() + offsetMs).toISOString();
}

describe('matching an alert to a merchant transaction', () => {
  it('prefers the ARN match over a transaction that matches the card, amount and time more closely', async () => {
    const alert = usdAlert(1001, { acquirerReferenceNumber: '74123456789012345678901' });
    await storeAlerts(t, [alert]);
    const at = await storedTransactionAt(t, alert.alertId);
    await importTransactions(t, [
      transactionForAlert(alert, {
        transactionId: 'tx_arn_far',
        transactionAt: shifted(at, 20 * HOUR),
        descriptor: 'SOMEONE ELSE',
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(alert, {
        transactionId: 'tx_card_close',
        acquirerReferenceNumber: undefined,
        transactionAt: shifted(at, 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    await processing.process(alert.alertId);

    expect(await alertState(t, alert.alertId)).toMatchObject({
      matched_transaction_id: 'tx_arn_far',
      match_method: 'arn',
    });
  });

  it('matches by card, amount, currency and time when the alert carries no ARN', async () => {
    const alert = usdAlert(1002, { acquirerReferenceNumber: undefined });
    await storeAlerts(t, [alert]);
    const at = await storedTransactionAt(t, alert.alertId);
    await importTransactions(t, [
      transactionForAlert(alert, {
        transactionId: 'tx_card_1002',
        transactionAt: shifted(at, 3 * HOUR),
        fulfilment: 'FULFILLED',
      }),
      // Same card and time, but another amount and another currency: neither may match.
      transactionForAlert(alert, {
        transactionId: 'tx_other_amount_1002',
        amount: { value: 151, currencyCode: 'USD' },
        transactionAt: shifted(at, 0),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(alert, {
        transactionId: 'tx_other_currency_1002',
        amount: { value: 150, currencyCode: 'EUR' },
        transactionAt: shifted(at, 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    await processing.process(alert.alertId);

    expect(await alertState(t, alert.alertId)).toMatchObject({
      matched_transaction_id: 'tx_card_1002',
      match_method: 'card_amount_time',
    });
  });

  it('falls back to the card match when the alert has an ARN the ledger does not know', async () => {
    const alert = usdAlert(1003, { acquirerReferenceNumber: '74123456789012345670003' });
    await storeAlerts(t, [alert]);
    await importTransactions(t, [
      transactionForAlert(alert, {
        transactionId: 'tx_no_arn_1003',
        acquirerReferenceNumber: undefined,
        transactionAt: shifted(await storedTransactionAt(t, alert.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    await processing.process(alert.alertId);

    expect(await alertState(t, alert.alertId)).toMatchObject({
      matched_transaction_id: 'tx_no_arn_1003',
      match_method: 'card_amount_time',
    });
  });

  it('matches just inside the window and not just outside it', async () => {
    const inside = usdAlert(1004, { acquirerReferenceNumber: undefined, cardLast4: '1004' });
    const outside = usdAlert(1005, { acquirerReferenceNumber: undefined, cardLast4: '1005' });
    await storeAlerts(t, [inside, outside]);
    const window = MATCH_WINDOW_HOURS * HOUR;
    await importTransactions(t, [
      transactionForAlert(inside, {
        transactionId: 'tx_inside_1004',
        transactionAt: shifted(await storedTransactionAt(t, inside.alertId), -(window - 60_000)),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(outside, {
        transactionId: 'tx_outside_1005',
        transactionAt: shifted(await storedTransactionAt(t, outside.alertId), window + 60_000),
        fulfilment: 'FULFILLED',
      }),
    ]);

    expect(await processing.process(inside.alertId)).toBe('outcome-recorded');
    expect(await processing.process(outside.alertId)).toBe('held-for-agent');

    expect(await alertState(t, inside.alertId)).toMatchObject({
      status: 'OUTCOME_PENDING',
      matched_transaction_id: 'tx_inside_1004',
    });
    expect(await alertState(t, outside.alertId)).toEqual({
      status: 'UNMATCHED',
      matched_transaction_id: null,
      match_method: null,
    });
  });

  it('requires the authorisation code to agree when the alert has one', async () => {
    const withCode = usdAlert(1006, {
      acquirerReferenceNumber: undefined,
      authCode: 'AUTH06',
      cardLast4: '1006',
    });
    const agreeing = usdAlert(1007, {
      acquirerReferenceNumber: undefined,
      authCode: 'AUTH07',
      cardLast4: '1007',
    });
    const withoutCode = usdAlert(1008, {
      acquirerReferenceNumber: undefined,
      authCode: undefined,
      cardLast4: '1008',
    });
    await storeAlerts(t, [withCode, agreeing, withoutCode]);
    await importTransactions(t, [
      transactionForAlert(withCode, {
        transactionId: 'tx_code_differs_1006',
        authCode: 'OTHER6',
        transactionAt: shifted(await storedTransactionAt(t, withCode.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(agreeing, {
        transactionId: 'tx_code_agrees_1007',
        transactionAt: shifted(await storedTransactionAt(t, agreeing.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
      // An alert without a code cannot be held to one: the merchant's code does not matter.
      transactionForAlert(withoutCode, {
        transactionId: 'tx_any_code_1008',
        authCode: 'ANY008',
        transactionAt: shifted(await storedTransactionAt(t, withoutCode.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    for (const alert of [withCode, agreeing, withoutCode]) await processing.process(alert.alertId);

    expect((await alertState(t, withCode.alertId))?.status).toBe('UNMATCHED');
    expect((await alertState(t, agreeing.alertId))?.matched_transaction_id).toBe(
      'tx_code_agrees_1007',
    );
    expect((await alertState(t, withoutCode.alertId))?.matched_transaction_id).toBe(
      'tx_any_code_1008',
    );
  });

  it('breaks a tie by the descriptor first and by closeness in time second', async () => {
    const byDescriptor = usdAlert(1009, {
      acquirerReferenceNumber: undefined,
      cardLast4: '1009',
      merchantDescriptor: 'ACME*ONLINE 800-555-0109',
    });
    const byTime = usdAlert(1010, {
      acquirerReferenceNumber: undefined,
      cardLast4: '1010',
      merchantDescriptor: 'ACME*ONLINE 800-555-0110',
    });
    await storeAlerts(t, [byDescriptor, byTime]);
    const descriptorAt = await storedTransactionAt(t, byDescriptor.alertId);
    const timeAt = await storedTransactionAt(t, byTime.alertId);
    await importTransactions(t, [
      transactionForAlert(byDescriptor, {
        transactionId: 'tx_same_descriptor_far',
        transactionAt: shifted(descriptorAt, 10 * HOUR),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(byDescriptor, {
        transactionId: 'tx_other_descriptor_close',
        descriptor: 'FABRIKAM*STORE 800-555-0199',
        transactionAt: shifted(descriptorAt, 0),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(byTime, {
        transactionId: 'tx_time_far',
        descriptor: 'FABRIKAM*STORE 800-555-0198',
        transactionAt: shifted(timeAt, -8 * HOUR),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(byTime, {
        transactionId: 'tx_time_close',
        descriptor: 'FABRIKAM*STORE 800-555-0197',
        transactionAt: shifted(timeAt, 2 * HOUR),
        fulfilment: 'FULFILLED',
      }),
    ]);

    await processing.process(byDescriptor.alertId);
    await processing.process(byTime.alertId);

    expect((await alertState(t, byDescriptor.alertId))?.matched_transaction_id).toBe(
      'tx_same_descriptor_far',
    );
    expect((await alertState(t, byTime.alertId))?.matched_transaction_id).toBe('tx_time_close');
  });

  it('matches an 8-digit BIN alert to a transaction stored with the 6-digit BIN, and the reverse', async () => {
    const eightDigitAlert = usdAlert(1011, {
      acquirerReferenceNumber: undefined,
      cardBin: '54545412',
      cardLast4: '1011',
    });
    const sixDigitAlert = usdAlert(1012, {
      acquirerReferenceNumber: undefined,
      cardBin: '545454',
      cardLast4: '1012',
    });
    await storeAlerts(t, [eightDigitAlert, sixDigitAlert]);
    await importTransactions(t, [
      transactionForAlert(eightDigitAlert, {
        transactionId: 'tx_six_digit_bin',
        cardBin: '545454',
        transactionAt: shifted(await storedTransactionAt(t, eightDigitAlert.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
      transactionForAlert(sixDigitAlert, {
        transactionId: 'tx_eight_digit_bin',
        cardBin: '54545499',
        transactionAt: shifted(await storedTransactionAt(t, sixDigitAlert.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    await processing.process(eightDigitAlert.alertId);
    await processing.process(sixDigitAlert.alertId);

    expect((await alertState(t, eightDigitAlert.alertId))?.matched_transaction_id).toBe(
      'tx_six_digit_bin',
    );
    expect((await alertState(t, sixDigitAlert.alertId))?.matched_transaction_id).toBe(
      'tx_eight_digit_bin',
    );
  });

  it('records the match method on the alert and in the event trail', async () => {
    const byArn = usdAlert(1013, { acquirerReferenceNumber: '74123456789012345670013' });
    const byCard = usdAlert(1014, { acquirerReferenceNumber: undefined, cardLast4: '1014' });
    const unmatched = usdAlert(1015, { acquirerReferenceNumber: undefined, cardLast4: '1015' });
    await storeAlerts(t, [byArn, byCard, unmatched]);
    await importTransactions(t, [
      transactionForAlert(byArn, { transactionId: 'tx_trail_arn', fulfilment: 'FULFILLED' }),
      transactionForAlert(byCard, {
        transactionId: 'tx_trail_card',
        transactionAt: shifted(await storedTransactionAt(t, byCard.alertId), 0),
        fulfilment: 'FULFILLED',
      }),
    ]);

    for (const alert of [byArn, byCard, unmatched]) await processing.process(alert.alertId);

    expect((await alertState(t, byArn.alertId))?.match_method).toBe('arn');
    expect((await alertState(t, byCard.alertId))?.match_method).toBe('card_amount_time');
    expect((await eventTrail(t, byArn.alertId))[1]).toEqual({
      from_status: 'RECEIVED',
      to_status: 'MATCHED',
      actor: 'rule',
      reason: 'matched transaction tx_trail_arn by arn',
      detail: { transactionId: 'tx_trail_arn', method: 'arn' },
    });
    expect((await eventTrail(t, byCard.alertId))[1]).toEqual({
      from_status: 'RECEIVED',
      to_status: 'MATCHED',
      actor: 'rule',
      reason: 'matched transaction tx_trail_card by card_amount_time',
      detail: { transactionId: 'tx_trail_card', method: 'card_amount_time' },
    });
    expect(await eventTrail(t, unmatched.alertId)).toEqual([
      expect.objectContaining({ from_status: null, to_status: 'RECEIVED' }),
      {
        from_status: 'RECEIVED',
        to_status: 'UNMATCHED',
        actor: 'rule',
        reason: 'no merchant transaction matched',
        detail: null,
      },
    ]);
  });
});
