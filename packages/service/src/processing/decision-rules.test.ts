import { outcomesForAlertType, toMinorUnits } from '@mastercom/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, parseRefundCeilings, type DecisionInput } from './decision-rules.js';

const policy = { refundCeilings: { USD: 500, JPY: 60_000 } };
const usd = (value: number) => ({ minor: toMinorUnits(value, 'USD'), currencyCode: 'USD' });
const cents = (value: number) => toMinorUnits(value, 'USD');
const transaction = (overrides: Partial<NonNullable<DecisionInput['transaction']>> = {}) => ({
  settled: true,
  fulfilment: 'FULFILLED' as const,
  amountMinor: cents(100),
  refundedMinor: 0,
  ...overrides,
});

describe('decision rules', () => {
  it('not-found: no matching transaction is NOT_FOUND for both alert types, with no action', () => {
    for (const alertType of ['CONFIRMEDFRAUD', 'CUSTOMERDISPUTE'] as const) {
      expect(
        decide({ alertType, alertAmount: usd(100), transaction: undefined }, policy),
      ).toMatchObject({
        rule: 'not-found',
        outcome: 'NOT_FOUND',
        action: 'none',
      });
    }
  });

  it('not-settled: a voided authorisation is stopped (fraud) or resolved (dispute) as NOT_SETTLED', () => {
    const input = { alertAmount: usd(100), transaction: transaction({ settled: false }) };
    expect(decide({ ...input, alertType: 'CONFIRMEDFRAUD' }, policy)).toMatchObject({
      outcome: 'STOPPED',
      action: 'void',
      stopped: true,
    });
    expect(decide({ ...input, alertType: 'CUSTOMERDISPUTE' }, policy)).toMatchObject({
      outcome: 'RESOLVED',
      action: 'void',
    });
  });

  it('previously-refunded: a refunded or cancelled order reports the earlier refund and refunds nothing again', () => {
    for (const tx of [
      transaction({ refundedMinor: cents(100) }),
      transaction({ fulfilment: 'CANCELLED' }),
    ]) {
      expect(
        decide({ alertType: 'CONFIRMEDFRAUD', alertAmount: usd(100), transaction: tx }, policy),
      ).toMatchObject({
        outcome: 'PREVIOUSLY_CANCELLED',
        action: 'none',
        previouslyRefunded: true,
      });
      expect(
        decide({ alertType: 'CUSTOMERDISPUTE', alertAmount: usd(100), transaction: tx }, policy),
      ).toMatchObject({
        outcome: 'RESOLVED_PREVIOUSLY_REFUNDED',
        action: 'none',
      });
    }
  });

  it('not-fulfilled: fulfilment is stopped and the payment refunded, whatever the amount', () => {
    const tx = transaction({ fulfilment: 'NOT_FULFILLED', amountMinor: cents(9000) });
    expect(
      decide({ alertType: 'CONFIRMEDFRAUD', alertAmount: usd(9000), transaction: tx }, policy),
    ).toMatchObject({
      rule: 'not-fulfilled',
      outcome: 'STOPPED',
      action: 'refund',
      stopped: true,
    });
    expect(
      decide({ alertType: 'CUSTOMERDISPUTE', alertAmount: usd(9000), transaction: tx }, policy),
    ).toMatchObject({ outcome: 'RESOLVED', action: 'refund' });
  });

  it('refund-under-ceiling: a fulfilled order at or below the ceiling is refunded (MISSED / RESOLVED)', () => {
    expect(
      decide(
        {
          alertType: 'CONFIRMEDFRAUD',
          alertAmount: usd(500),
          transaction: transaction({ amountMinor: cents(500) }),
        },
        policy,
      ),
    ).toMatchObject({
      rule: 'refund-under-ceiling',
      outcome: 'MISSED',
      action: 'refund',
    });
    expect(
      decide(
        { alertType: 'CUSTOMERDISPUTE', alertAmount: usd(20), transaction: transaction() },
        policy,
      ),
    ).toMatchObject({ outcome: 'RESOLVED', action: 'refund' });
  });

  it('over-ceiling: above the ceiling, or in a currency without one, nothing is refunded automatically', () => {
    expect(
      decide(
        {
          alertType: 'CONFIRMEDFRAUD',
          alertAmount: usd(500.01),
          transaction: transaction({ amountMinor: cents(500.01) }),
        },
        policy,
      ),
    ).toMatchObject({
      rule: 'over-ceiling',
      outcome: 'MISSED',
      action: 'none',
    });
    expect(
      decide(
        {
          alertType: 'CUSTOMERDISPUTE',
          alertAmount: { minor: 1000, currencyCode: 'GBP' },
          transaction: transaction(),
        },
        policy,
      ),
    ).toMatchObject({ outcome: 'UNRESOLVED_DISPUTE', action: 'none' });
  });

  it('only ever chooses an outcome Ethoca accepts for the alert type', () => {
    const inputs = fc.record({
      alertType: fc.constantFrom('CONFIRMEDFRAUD' as const, 'CUSTOMERDISPUTE' as const),
      minor: fc.integer({ min: 1, max: 10_000_000 }),
      currencyCode: fc.constantFrom('USD', 'JPY', 'EUR'),
      transaction: fc.option(
        fc.record({
          settled: fc.boolean(),
          fulfilment: fc.constantFrom(
            'NOT_FULFILLED' as const,
            'FULFILLED' as const,
            'CANCELLED' as const,
          ),
          amountMinor: fc.integer({ min: 1, max: 10_000_000 }),
          refundedMinor: fc.integer({ min: 0, max: 10_000_000 }),
        }),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(inputs, ({ alertType, minor, currencyCode, transaction: tx }) => {
        const decision = decide(
          { alertType, alertAmount: { minor, currencyCode }, transaction: tx },
          policy,
        );
        expect(outcomesForAlertType(alertType)).toContain(decision.outcome);
      }),
    );
  });

  it('parses refund ceilings and names a bad entry', () => {
    expect(parseRefundCeilings('USD=500, EUR=450.5')).toEqual({ USD: 500, EUR: 450.5 });
    expect(() => parseRefundCeilings('USD=500,euro=1')).toThrow(
      'refund ceiling "euro=1" is not CUR=amount',
    );
    expect(() => parseRefundCeilings('JPY=100.5')).toThrow(
      'refund ceiling "JPY=100.5": 100.5 has more decimals than JPY allows (0)',
    );
  });
});
