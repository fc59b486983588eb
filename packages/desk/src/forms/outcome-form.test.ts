import {
  manualOutcomeRequestSchema,
  OUTCOME_CODES,
  outcomesForAlertType,
} from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { initialOutcomeForm, outcomeChoices, toOutcomeRequest } from './outcome-form.js';

const fraud = {
  alertType: 'CONFIRMEDFRAUD' as const,
  amount: { value: 42.5, currencyCode: 'EUR' },
};
const dispute = {
  alertType: 'CUSTOMERDISPUTE' as const,
  amount: { value: 10, currencyCode: 'USD' },
};

describe('the decide form', () => {
  it('offers exactly the outcomes the contracts allow for each alert type', () => {
    expect(outcomeChoices(fraud)).toEqual(outcomesForAlertType('CONFIRMEDFRAUD'));
    expect(outcomeChoices(dispute)).toEqual(outcomesForAlertType('CUSTOMERDISPUTE'));
    expect(outcomeChoices(fraud)).not.toContain('RESOLVED');
  });

  it('accepts an outcome exactly when the alert type allows it, whatever the form says', () => {
    for (const alert of [fraud, dispute]) {
      const verdicts = OUTCOME_CODES.map((outcome) => {
        const result = toOutcomeRequest(alert, { ...initialOutcomeForm(alert), outcome });
        return result.ok ? 'accepted' : result.errors.outcome;
      });
      expect(verdicts).toEqual(
        OUTCOME_CODES.map((outcome) =>
          outcomesForAlertType(alert.alertType).includes(outcome)
            ? 'accepted'
            : [`is not an outcome of a ${alert.alertType} alert`],
        ),
      );
    }
  });

  it('builds a request the API schema accepts, refund included only when REFUNDED', () => {
    const plain = toOutcomeRequest(fraud, { ...initialOutcomeForm(fraud), outcome: 'STOPPED' });
    expect(plain).toEqual({
      ok: true,
      request: { outcome: 'STOPPED', refundStatus: 'NOT_REFUNDED' },
    });

    const refunded = toOutcomeRequest(fraud, {
      ...initialOutcomeForm(fraud),
      outcome: 'STOPPED',
      refundStatus: 'REFUNDED',
      refundValue: '42.50',
      comments: '  refunded by phone  ',
    });
    expect(refunded.ok).toBe(true);
    if (!refunded.ok) return;
    expect(manualOutcomeRequestSchema.parse(refunded.request)).toEqual(refunded.request);
    expect(refunded.request.refund).toEqual({
      amount: { value: 42.5, currencyCode: 'EUR' },
      type: 'REFUND',
    });
    expect(refunded.request.comments).toBe('refunded by phone');
  });

  it('names each wrong field by the path the API uses', () => {
    const result = toOutcomeRequest(fraud, {
      ...initialOutcomeForm(fraud),
      outcome: '',
      refundStatus: 'REFUNDED',
      refundValue: 'twelve',
      refundCurrency: 'XXY',
      comments: 'x'.repeat(1025),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.outcome).toEqual(['choose an outcome']);
    expect(result.errors['refund.amount.value']).toEqual(['must be an amount such as 25.00']);
    expect(result.errors['refund.amount.currencyCode']?.length).toBeGreaterThan(0);
    expect(result.errors.comments?.length).toBeGreaterThan(0);
  });

  it('refuses more decimals than the currency has', () => {
    const result = toOutcomeRequest(dispute, {
      ...initialOutcomeForm(dispute),
      outcome: 'RESOLVED',
      refundStatus: 'REFUNDED',
      refundValue: '10.005',
    });
    expect(result).toEqual({
      ok: false,
      errors: { 'refund.amount.value': [expect.any(String)] },
    });
  });
});
