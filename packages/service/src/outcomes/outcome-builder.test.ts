import { alertOutcomeSchema } from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { buildOutcome } from './outcome-builder.js';

const alertId = 'B7QK2M9XW4ZP1RT8LN3VD6HCY';
const now = new Date('2026-03-04T15:22:10.000Z');
// In the service amounts are minor units; the Outcome API item carries the decimal.
const amount = { minor: 14_999, currencyCode: 'USD' };
const decimal = { value: 149.99, currencyCode: 'USD' };

describe('buildOutcome', () => {
  it('reports REFUNDED with the refund id only after the PSP confirmed the refund', () => {
    const outcome = buildOutcome({
      alertId,
      amount,
      now,
      decision: {
        rule: 'not-fulfilled',
        outcome: 'STOPPED',
        action: 'refund',
        stopped: true,
        previouslyRefunded: false,
      },
      refund: { refundId: 'rf_1', status: 'SUCCEEDED', amount },
    });
    expect(alertOutcomeSchema.parse(outcome)).toMatchObject({
      outcome: 'STOPPED',
      refundStatus: 'REFUNDED',
      refund: {
        amount: decimal,
        type: 'REFUND',
        transactionId: 'rf_1',
        timestamp: '2026-03-04T15:22:10+00:00',
      },
      amountStopped: decimal,
    });
  });

  it('reports NOT_REFUNDED with the alert amount when nothing was refunded', () => {
    const outcome = buildOutcome({
      alertId,
      amount,
      now,
      decision: {
        rule: 'over-ceiling',
        outcome: 'MISSED',
        action: 'none',
        stopped: false,
        previouslyRefunded: false,
      },
      refund: undefined,
    });
    expect(alertOutcomeSchema.parse(outcome)).toMatchObject({
      refundStatus: 'NOT_REFUNDED',
      refund: { amount: decimal },
    });
    expect(outcome.refund.type).toBeUndefined();
  });

  it('reports NOT_SETTLED for a voided authorisation and REFUNDED for an earlier refund', () => {
    const voided = buildOutcome({
      alertId,
      amount,
      now,
      decision: {
        rule: 'not-settled',
        outcome: 'STOPPED',
        action: 'void',
        stopped: true,
        previouslyRefunded: false,
      },
      refund: { refundId: 'rf_2', status: 'NOT_SETTLED', amount },
    });
    expect(voided.refundStatus).toBe('NOT_SETTLED');
    const earlier = buildOutcome({
      alertId,
      amount,
      now,
      decision: {
        rule: 'previously-refunded',
        outcome: 'RESOLVED_PREVIOUSLY_REFUNDED',
        action: 'none',
        stopped: false,
        previouslyRefunded: true,
      },
      refund: undefined,
    });
    expect(alertOutcomeSchema.parse(earlier)).toMatchObject({
      refundStatus: 'REFUNDED',
      refund: { type: 'REFUND' },
    });
  });

  it('keeps every amount at the Outcome API minimum of 1 for sub-unit transactions', () => {
    const outcome = buildOutcome({
      alertId,
      amount: { minor: 50, currencyCode: 'USD' },
      now,
      decision: {
        rule: 'not-found',
        outcome: 'NOT_FOUND',
        action: 'none',
        stopped: false,
        previouslyRefunded: false,
      },
      refund: undefined,
    });
    expect(alertOutcomeSchema.safeParse(outcome).success).toBe(true);
    expect(outcome.amountStopped.value).toBe(1);
  });
});
