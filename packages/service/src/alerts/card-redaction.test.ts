import { findCardNumbers } from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { maskCardNumbersDeep, maskCardNumbersInText, maskDigits } from './card-redaction.js';

describe('card redaction', () => {
  it('keeps only the BIN and the last four digits', () => {
    expect(maskDigits('5454545454545454')).toBe('545454******5454');
    expect(maskDigits('4111111111111')).toBe('411111***1111');
  });

  it('masks card numbers written plainly, with spaces or with dashes', () => {
    const text = 'paid with 4111111111111111, refund to 5555 5555 5555 4444 or 4012-8888-8888-1881';
    const masked = maskCardNumbersInText(text);
    expect(findCardNumbers(masked)).toEqual([]);
    expect(masked).toContain('411111******1111');
    expect(masked).toContain('555555******4444');
  });

  it('leaves digit runs that are not card numbers alone, such as a 23-digit ARN', () => {
    const arn = '74123456789012345678901';
    expect(maskCardNumbersInText(`arn ${arn} order 1234`)).toBe(`arn ${arn} order 1234`);
  });

  it('masks card numbers anywhere in a nested value, including keys and long integers', () => {
    const value = {
      note: 'card 4111111111111111',
      nested: [{ deeper: { pan: 5555555555554444 } }],
      '4242424242424242': 'as a key',
      amount: 149.99,
      flag: true,
      nothing: null,
    };
    const masked = maskCardNumbersDeep(value);
    expect(findCardNumbers(JSON.stringify(masked))).toEqual([]);
    expect(masked).toMatchObject({
      amount: 149.99,
      flag: true,
      nothing: null,
      nested: [{ deeper: { pan: '555555******4444' } }],
    });
  });
});
