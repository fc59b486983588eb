import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findCardNumbers,
  luhnCheckDigit,
  luhnValid,
  maskCardNumbersInText,
  maskDigits,
} from './card-number.js';
import { CARD_NUMBER_CORPUS } from './fixtures/cards.js';

const SEPARATORS = [' ', '-', '.', '/', '\\', '_', '\t', '\n', '\u00a0', '\u2013', '\u2212'];

/** `digits` split into groups of `sizes` (cycled), joined by `separators` (cycled). */
function written(digits: string, sizes: readonly number[], separators: readonly string[]): string {
  let out = '';
  let at = 0;
  for (let i = 0; at < digits.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 4;
    if (at > 0) out += separators[i % separators.length] ?? ' ';
    out += digits.slice(at, at + size);
    at += size;
  }
  return out;
}

/** Whether `digits` appear in `text` in order with nothing but separators between them. */
function survives(text: string, digits: string): boolean {
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from digits only
  return new RegExp(digits.split('').join('[\\s\\-\\u2010-\\u2015\\u2212./\\\\_]*')).test(text);
}

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
  it('has a published number for every length from 13 to 19 digits in its corpus', () => {
    const lengths = new Set(CARD_NUMBER_CORPUS.map((card) => card.number.length));
    expect([...lengths].sort((a, b) => a - b)).toEqual([13, 14, 15, 16, 17, 18, 19]);
    expect(CARD_NUMBER_CORPUS.every((card) => luhnValid(card.number))).toBe(true);
  });

  it('finds every corpus number written plainly and with every separator kind', () => {
    for (const { number } of CARD_NUMBER_CORPUS) {
      expect(findCardNumbers(`pan=${number};`)).toEqual([number]);
      for (const separator of SEPARATORS) {
        for (const sizes of [[4], [1], [3, 5], [6, 2, 7]]) {
          const text = `note: ${written(number, sizes, [separator])}!`;
          expect({ text, found: findCardNumbers(text) }).toEqual({ text, found: [number] });
        }
      }
    }
  });

  it('finds card numbers with mixed and repeated separators', () => {
    expect(findCardNumbers('4111 - 1111 .. 1111 // 1111')).toEqual(['4111111111111111']);
    expect(findCardNumbers('5555.5555-5555/4444')).toEqual(['5555555555554444']);
    expect(findCardNumbers('3782\t\t822463 \n 10005')).toEqual(['378282246310005']);
    expect(findCardNumbers('4111_1111\\1111\u00a0\u20131111')).toEqual(['4111111111111111']);
  });

  it('finds a card number grouped next to other digit groups', () => {
    expect(findCardNumbers('order 123 4111111111111111')).toEqual(['4111111111111111']);
    expect(findCardNumbers('ref 12 4111 1111 1111 1111 99')).toEqual(['4111111111111111']);
    expect(findCardNumbers('4111 1111 1111 1111/12/27')).toEqual(['4111111111111111']);
  });

  it('finds a 13-digit card number that is every digit in the text, and nothing in 12', () => {
    expect(findCardNumbers('pan=4222222222222;')).toEqual(['4222222222222']);
    expect(findCardNumbers('pan=422222222222;')).toEqual([]);
    expect(findCardNumbers('1a2b3c4d5e6f7g8h9i0j1k2l3m4')).toEqual([]);
  });

  it('ignores zero-padded counters, which pass Luhn but are no card number', () => {
    expect(luhnValid('000000000000000')).toBe(true);
    expect(findCardNumbers('KMFZ1AB2CW000000000000000')).toEqual([]);
    expect(findCardNumbers('0411 1111 1111 1111')).toEqual([]);
    expect(findCardNumbers('0 4111 1111 1111 1111')).toEqual(['4111111111111111']);
  });

  it('ignores masked numbers, Luhn failures, short runs and long ARNs', () => {
    const text = '545454******5454 5555555555554445 123456789012 74123456789012345678901';
    expect(findCardNumbers(text)).toEqual([]);
  });

  it('never reports a slice of an unbroken run longer than 19 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{20,40}$/), (run) => {
        expect(findCardNumbers(`arn ${run} end`)).toEqual([]);
      }),
    );
    // An ARN that holds a whole Luhn-valid card number is still one 23-digit run, not a card.
    const payload = '741111111111111110000';
    const arn = `${payload}0${luhnCheckDigit(`${payload}0`)}`;
    expect(arn).toHaveLength(23);
    expect(findCardNumbers(`arn ${arn}`)).toEqual([]);
  });

  it('skips the digits of a UUID but not a card number next to one', () => {
    const uuid = '41111111-1111-4111-a111-111111111111';
    expect(findCardNumbers(`request ${uuid}`)).toEqual([]);
    expect(findCardNumbers(`${uuid} 4111 1111 1111 1111`)).toEqual(['4111111111111111']);
  });
});

describe('maskCardNumbersInText', () => {
  it('keeps only the BIN and the last four digits', () => {
    expect(maskDigits('5454545454545454')).toBe('545454******5454');
    expect(maskDigits('4222222222222')).toBe('422222***2222');
    expect(maskCardNumbersInText('card 4111 1111.1111-1111 ok')).toBe('card 411111******1111 ok');
  });

  it('leaves text without card numbers exactly as it was', () => {
    const arn = '74123456789012345678901';
    expect(maskCardNumbersInText(`arn ${arn} order 1234`)).toBe(`arn ${arn} order 1234`);
    expect(maskCardNumbersInText('2026-12-04T23:13:59.123Z')).toBe('2026-12-04T23:13:59.123Z');
  });

  it('leaves nothing the finder reports, whatever digits and separators it is given (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9 ./_-]{0,300}$/), (text) => {
        expect(findCardNumbers(maskCardNumbersInText(text))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('stays linear on hostile text: a quarter megabyte of digit groups and of UUIDs', () => {
    const groups = '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 '.repeat(4_096);
    const uuids = '41111111-1111-4111-a111-111111111111 '.repeat(7_000);
    const started = performance.now();
    const masked = maskCardNumbersInText(groups);
    expect(masked.startsWith('411111*')).toBe(true);
    expect(findCardNumbers(masked)).toEqual([]);
    expect(findCardNumbers(uuids)).toEqual([]);
    // Quadratic work on either would take minutes; linear takes well under a second.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('masks any corpus number with any separators anywhere in any text (property)', () => {
    const card = fc.constantFrom(...CARD_NUMBER_CORPUS.map((entry) => entry.number));
    const separator = fc.constantFrom(...SEPARATORS);
    // Text around the card: anything, as long as a digit right next to the card is set apart by
    // a letter (a digit glued to it makes a longer number, which is not this card).
    const around = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(
        card,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.array(separator, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
          { minLength: 1, maxLength: 4 },
        ),
        around,
        around,
        (number, sizes, separators, before, after) => {
          const text = `${before}x${written(number, sizes, separators)}x${after}`;
          const masked = maskCardNumbersInText(text);
          expect(survives(masked, number)).toBe(false);
          expect(findCardNumbers(masked)).toEqual([]);
          expect(masked).toContain(maskDigits(number));
        },
      ),
      { numRuns: 500 },
    );
  });
});
