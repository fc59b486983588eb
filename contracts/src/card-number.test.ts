import { describe, expect, it } from 'vitest';
import { findCardNumbers, luhnCheckDigit, luhnValid } from './card-number.js';

describe('luhnValid', () => {
  it('accepts valid numbers and rejects a changed digit or non-digits', () => {
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554445')).toBe(false);
    expect(luhnValid('5555 5555 5555 4444')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('computes the check digit that makes a payload valid', () => {
    expect(luhnCheckDigit('555555555555444')).toBe('4');
    expect(luhnValid(`7412345678901234567890${luhnCheckDigit('7412345678901234567890')}`)).toBe(
      true,
    );
  });
});

describe('findCardNumbers', () => {
  it('finds plain, spaced and dashed card numbers', () => {
    const text = 'a=5555555555554444 b="4111 1111 1111 1111" c=5105-1051-0510-5100';
    expect(findCardNumbers(text)).toEqual([
      '5555555555554444',
      '4111111111111111',
      '5105105105105100',
    ]);
  });

  it('finds a card number grouped next to other digits', () => {
    expect(findCardNumbers('order 123 4111111111111111')).toEqual(['4111111111111111']);
  });

  it('finds a 13-digit card number that is every digit in the text, and nothing in 12', () => {
    expect(findCardNumbers('pan=4222222222222;')).toEqual(['4222222222222']);
    expect(findCardNumbers('pan=422222222222;')).toEqual([]);
    expect(findCardNumbers('1a2b3c4d5e6f7g8h9i0j1k2l3m4')).toEqual([]);
  });

  it('ignores masked numbers, Luhn failures, short runs and long ARNs', () => {
    const text = '545454******5454 5555555555554445 123456789012 74123456789012345678901';
    expect(findCardNumbers(text)).toEqual([]);
  });
});
