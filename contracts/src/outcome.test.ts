import { describe, expect, it } from 'vitest';
import {
  amountWhenNothingMoved,
  DISPUTE_OUTCOMES,
  FRAUD_OUTCOMES,
  outcomeMoneySchema,
  outcomeRequestSchema,
  outcomeResponseSchema,
  outcomesForAlertType,
} from './outcome.js';

describe('outcomesForAlertType', () => {
  it('offers fraud outcomes for fraud and dispute outcomes for disputes, sharing only NOT_FOUND and OTHER', () => {
    expect(outcomesForAlertType('CONFIRMEDFRAUD')).toEqual(FRAUD_OUTCOMES);
    expect(outcomesForAlertType('CUSTOMERDISPUTE')).toEqual(DISPUTE_OUTCOMES);
    const shared = FRAUD_OUTCOMES.filter((o) =>
      (DISPUTE_OUTCOMES as readonly string[]).includes(o),
    );
    expect(shared).toEqual(['NOT_FOUND', 'OTHER']);
    expect(outcomesForAlertType('CUSTOMERDISPUTE')).not.toContain('STOPPED');
  });
});

describe('amountWhenNothingMoved', () => {
  it('echoes the alert amount, which satisfies the API minimum', () => {
    const amount = amountWhenNothingMoved({ value: 149.99, currencyCode: 'USD' });
    expect(amount).toEqual({ value: 149.99, currencyCode: 'USD' });
    expect(outcomeMoneySchema.safeParse(amount).success).toBe(true);
  });

  it('raises amounts below the minimum of 1 and keeps the currency exponent', () => {
    expect(amountWhenNothingMoved({ value: 0.5, currencyCode: 'USD' })).toEqual({
      value: 1,
      currencyCode: 'USD',
    });
    const jpy = amountWhenNothingMoved({ value: 2500, currencyCode: 'JPY' });
    expect(outcomeMoneySchema.safeParse(jpy).success).toBe(true);
  });
});

describe('outcome request and response', () => {
  it('accepts the reference §2.10 example', () => {
    const request = {
      outcomes: [
        {
          alertId: 'B7QK2M9XW4ZP1RT8LN3VD6HCY',
          outcome: 'STOPPED',
          refundStatus: 'REFUNDED',
          refund: {
            amount: { value: 149.99, currencyCode: 'USD' },
            type: 'REFUND',
            timestamp: '2026-03-04T15:22:10+00:00',
            transactionId: 'rf_8Jd2kq01XZ',
            acquirerReferenceNumber: '74123456789012345678999',
          },
          amountStopped: { value: 149.99, currencyCode: 'USD' },
          comments: 'Order 100234 cancelled before shipment; full refund issued',
          actionTimestamp: '2026-03-04T15:22:10+00:00',
        },
      ],
    };
    expect(outcomeRequestSchema.safeParse(request).success).toBe(true);
  });

  it('accepts date-only and Z timestamps', () => {
    const base = {
      alertId: 'B7QK2M9XW4ZP1RT8LN3VD6HCY',
      outcome: 'MISSED',
      refundStatus: 'NOT_REFUNDED',
      refund: { amount: { value: 250, currencyCode: 'JPY' }, timestamp: '2026-03-04' },
      amountStopped: { value: 250, currencyCode: 'JPY' },
      actionTimestamp: '2026-03-04T15:22:10Z',
    };
    expect(outcomeRequestSchema.safeParse({ outcomes: [base] }).success).toBe(true);
  });

  it('parses Ethoca responses with per-alert errors', () => {
    const response = {
      outcomeResponses: [
        { alertId: 'B7QK2M9XW4ZP1RT8LN3VD6HCY', status: 'SUCCESS' },
        {
          alertId: 'C7QK2M9XW4ZP1RT8LN3VD6HCY',
          status: 'FAILURE',
          errors: [
            { Source: 'outcomes', ReasonCode: 'DUPLICATE', Description: 'final outcome exists' },
          ],
        },
      ],
    };
    const parsed = outcomeResponseSchema.parse(response);
    expect(parsed.outcomeResponses[1]?.errors?.[0]?.Recoverable).toBe(false);
  });
});
