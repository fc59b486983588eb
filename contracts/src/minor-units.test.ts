import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromMinorUnits,
  minorToMoney,
  minorUnitsToDecimal,
  moneyToMinor,
  toMinorUnits,
} from './minor-units.js';

describe('toMinorUnits', () => {
  it('reads JSON numbers and PostgreSQL numeric text exactly', () => {
    expect(toMinorUnits(149.99, 'USD')).toBe(14_999);
    expect(toMinorUnits('149.990', 'USD')).toBe(14_999);
    expect(toMinorUnits(0.07, 'USD')).toBe(7);
    expect(toMinorUnits(1.005, 'BHD')).toBe(1005);
    expect(toMinorUnits('75000.000', 'JPY')).toBe(75_000);
    expect(toMinorUnits(99_999_999.999, 'BHD')).toBe(99_999_999_999);
    // 1.15 * 100 is 114.99999999999999 in binary floating point; reading the text is exact.
    expect(1.15 * 100).not.toBe(115);
    expect(toMinorUnits(1.15, 'USD')).toBe(115);
  });

  it('refuses amounts that are not money in the currency', () => {
    expect(() => toMinorUnits(149.999, 'USD')).toThrow(/more decimals than USD allows/);
    expect(() => toMinorUnits(10.5, 'JPY')).toThrow(/more decimals than JPY allows/);
    expect(() => toMinorUnits(-1, 'USD')).toThrow(/non-negative/);
    expect(() => toMinorUnits('1e3', 'USD')).toThrow(/non-negative decimal/);
    expect(() => toMinorUnits(Number.NaN, 'USD')).toThrow(/non-negative decimal/);
    expect(() => toMinorUnits(1, 'XAU')).toThrow(/not an ISO 4217 currency/);
  });
});

describe('fromMinorUnits and minorUnitsToDecimal', () => {
  it('write the exact decimal', () => {
    expect(fromMinorUnits(9998, 'USD')).toBe(99.98);
    expect(JSON.stringify(minorToMoney({ minor: 9998, currencyCode: 'USD' }))).toBe(
      '{"value":99.98,"currencyCode":"USD"}',
    );
    expect(minorUnitsToDecimal(7, 'USD')).toBe('0.07');
    expect(minorUnitsToDecimal(1005, 'BHD')).toBe('1.005');
    expect(minorUnitsToDecimal(75_000, 'JPY')).toBe('75000');
    expect(() => fromMinorUnits(1.5, 'USD')).toThrow(/whole number/);
  });

  it('round-trip every amount up to the largest Ethoca allows, in every exponent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.constantFrom('USD', 'JPY', 'BHD', 'CLF'),
        (minor, currencyCode) => {
          const value = fromMinorUnits(minor, currencyCode);
          const text = minorUnitsToDecimal(minor, currencyCode);
          // The JSON number prints as the decimal text (trailing zeros aside): no float residue.
          expect(Number(text)).toBe(value);
          expect(toMinorUnits(value, currencyCode)).toBe(minor);
          expect(toMinorUnits(text, currencyCode)).toBe(minor);
          expect(moneyToMinor(minorToMoney({ minor, currencyCode })).minor).toBe(minor);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
