import { describe, expect, it } from 'vitest';
import { errorsAt, errorsElsewhere, parseDecimal } from './field-errors.js';

describe('field errors', () => {
  const errors = {
    'refund.amount.value': ['too many decimals'],
    'chargebackRefNum[0]': ['must be 10 digits'],
    refundStatus: ['invalid'],
    body: ['not an object'],
  };

  it('lands on the input whose path holds them, and not on one whose name only starts alike', () => {
    expect(errorsAt(errors, 'refund.amount.value')).toEqual(['too many decimals']);
    expect(errorsAt(errors, 'chargebackRefNum')).toEqual(['must be 10 digits']);
    expect(errorsAt(errors, 'refund')).toEqual(['too many decimals']);
    expect(errorsAt({ refundStatus: ['x'] }, 'refund')).toEqual([]);
  });

  it('keeps what fits no input for the summary', () => {
    expect(
      errorsElsewhere(errors, ['refund.amount.value', 'chargebackRefNum', 'refundStatus']),
    ).toEqual([{ field: 'body', message: 'not an object' }]);
  });

  it('reads amounts as typed and nothing else', () => {
    expect(parseDecimal(' 25 ')).toBe(25);
    expect(parseDecimal('25.5')).toBe(25.5);
    const refused = ['', '-1', '1e3', '1,5', '0x10', '1.2345', 'Infinity'];
    expect(refused.map(parseDecimal)).toEqual(refused.map(() => undefined));
  });
});
