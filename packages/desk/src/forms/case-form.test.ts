import { caseCreateRequestSchema, type DeskAlert } from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { initialCaseForm, toCaseRequest, type CaseFormValues } from './case-form.js';

const view = {
  alert: {
    amount: { value: 125, currencyCode: 'USD' },
    acquirerReferenceNumber: '74012345678901234567890',
  },
  claims: [
    {
      chargebacks: [
        {
          chargebackRefNum: '1234567890',
          reasonCode: '4837',
          amount: { value: '99.990', currencyCode: 'USD' },
        },
      ],
    },
  ],
} as unknown as DeskAlert;

const complete: CaseFormValues = {
  ...initialCaseForm(view),
  filingIca: '12345',
  filedAgainstIca: '67890',
  memo: 'Merchant shows delivery',
};

describe('the case filing form', () => {
  it('starts from the first chargeback of the alert', () => {
    const values = initialCaseForm(view);
    expect(values.chargebackRefNum).toBe('1234567890');
    expect(values.chargebackReasonCode).toBe('4837');
    expect(values.disputeAmount).toBe('99.99');
    expect(values.currencyCode).toBe('USD');
  });

  it('builds a filing the API schema accepts', () => {
    const result = toCaseRequest(complete);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(caseCreateRequestSchema.parse(result.request)).toEqual(result.request);
    expect(result.request.chargebackRefNum).toEqual(['1234567890']);
    expect(result.request).not.toHaveProperty('primaryAccountNum');
  });

  it("reports the schema's conditional rules on the field they name", () => {
    const compliance = toCaseRequest({ ...complete, caseType: '4' });
    expect(compliance.ok).toBe(false);
    if (compliance.ok) return;
    expect(Object.keys(compliance.errors).sort()).toEqual(['violationCode', 'violationDate']);

    const bare = toCaseRequest({
      ...complete,
      chargebackRefNum: '',
      memo: ' ',
      disputeAmount: '1,5',
    });
    expect(bare.ok).toBe(false);
    if (bare.ok) return;
    expect(Object.keys(bare.errors).sort()).toEqual(['chargebackRefNum', 'disputeAmount', 'memo']);
  });
});
