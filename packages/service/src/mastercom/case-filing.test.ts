import { createCaseRequest } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { newCustomerFilingNumber, prepareFiling, statusAfterAction } from './case-filing.js';

function fieldsOf(result: ReturnType<typeof prepareFiling>): string[] {
  if (result.ok) throw new Error('expected a validation failure');
  return result.error.issues.map((issue) => issue.path.join('.'));
}

describe('prepareFiling', () => {
  it('accepts every case type with the fields it needs and adds a 15-digit filing number', () => {
    for (const caseType of ['1', '2', '3', '4'] as const) {
      const base = createCaseRequest(caseType.charCodeAt(0));
      const request =
        caseType === '1' || caseType === '2'
          ? {
              ...base,
              caseType,
              chargebackRefNum: ['1234567890'],
              chargebackReasonCode: '4853',
              violationCode: undefined,
              violationDate: undefined,
            }
          : { ...base, caseType, violationCode: '1.4', violationDate: '2026-10-01' };
      const result = prepareFiling(request, () => '123456789012345');
      expect(result).toMatchObject({
        ok: true,
        request: { caseType, customerFilingNumber: '123456789012345' },
      });
    }
  });

  it('keeps a filing number the caller chose', () => {
    const result = prepareFiling(createCaseRequest(5, { customerFilingNumber: '42' }));
    expect(result).toMatchObject({ ok: true, request: { customerFilingNumber: '42' } });
  });

  it('requires a reason code and exactly one chargeback for (pre-)arbitration', () => {
    const request = {
      ...createCaseRequest(6),
      caseType: '1',
      chargebackRefNum: ['1111111111', '2222222222'],
      chargebackReasonCode: undefined,
    };
    expect(fieldsOf(prepareFiling(request)).sort()).toEqual([
      'chargebackReasonCode',
      'chargebackRefNum',
    ]);
  });

  it('requires a violation code and date for (pre-)compliance', () => {
    const request = {
      ...createCaseRequest(7),
      caseType: '4',
      violationCode: undefined,
      violationDate: undefined,
    };
    expect(fieldsOf(prepareFiling(request)).sort()).toEqual(['violationCode', 'violationDate']);
  });

  it('refuses malformed amounts, currencies, ICAs and an empty memo, naming each field', () => {
    const request = {
      ...createCaseRequest(8),
      disputeAmount: '12.345',
      currencyCode: 'usd',
      filingIca: 'ICA1',
      memo: '',
    };
    expect(fieldsOf(prepareFiling(request)).sort()).toEqual([
      'currencyCode',
      'disputeAmount',
      'filingIca',
      'memo',
    ]);
  });

  it('drops fields Mastercom does not define instead of forwarding them', () => {
    const result = prepareFiling({ ...createCaseRequest(10), internalNote: 'not for Mastercom' });
    expect(result.ok).toBe(true);
    expect(result.ok && 'internalNote' in result.request).toBe(false);
  });

  it('requires the ARN when a case is filed by card number', () => {
    const request = {
      ...createCaseRequest(9),
      caseType: '3',
      chargebackRefNum: undefined,
      primaryAccountNum: '5555555555554444',
    };
    expect(fieldsOf(prepareFiling(request))).toContain('acquirerRefNum');
  });

  it('makes filing numbers of 15 digits that differ', () => {
    const numbers = new Set(Array.from({ length: 50 }, () => newCustomerFilingNumber()));
    expect(numbers.size).toBe(50);
    for (const number of numbers) expect(number).toMatch(/^\d{15}$/);
  });
});

describe('statusAfterAction', () => {
  it('closes on accept, ends on withdraw and keeps the case open otherwise', () => {
    expect(statusAfterAction('FILED', 'ACCEPT')).toEqual({ ok: true, status: 'CLOSED' });
    expect(statusAfterAction('OPEN', 'WITHDRAW')).toEqual({ ok: true, status: 'WITHDRAWN' });
    for (const action of ['REJECT', 'REBUT', 'ESCALATE'] as const)
      expect(statusAfterAction('FILED', action)).toEqual({ ok: true, status: 'OPEN' });
  });

  it('refuses any action on a closed or withdrawn case', () => {
    expect(statusAfterAction('CLOSED', 'REBUT')).toMatchObject({ ok: false });
    expect(statusAfterAction('WITHDRAWN', 'ACCEPT')).toMatchObject({ ok: false });
  });
});
