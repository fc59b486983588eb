import { findCardNumbers } from '@mastercom/contracts';
import { CARD_NUMBER_CORPUS } from '@mastercom/contracts/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JsonSyntaxError,
  nestingDepth,
  maskCardNumbersDeep,
  maskDigits,
  mayHoldCardNumber,
  parseJsonMaskingCards,
  readInFlightFields,
} from './card-masking.js';

const encode = (text: string) => new TextEncoder().encode(text);
const SEPARATORS = [' ', '-', '.', '/', '_', '\t', '\n', '\u00a0', '\u2013'];
const SEPARATOR_CLASS = '[\\s\\-\\u2010-\\u2015\\u2212./\\\\_]*';

/** Whether `digits` appear in `text` in order with nothing but separators between them. */
function survives(text: string, digits: string): boolean {
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from digits only
  return new RegExp(digits.split('').join(SEPARATOR_CLASS)).test(text);
}

/** Every string and key of a JSON value, and every number's text, as one list. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...texts(inner)]);
  }
  return [];
}

describe('maskCardNumbersDeep', () => {
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
      '424242******4242': 'as a key',
    });
  });
});

describe('parseJsonMaskingCards', () => {
  it('refuses a deeply nested body that needs masking instead of overflowing the stack', () => {
    const deep = `${'['.repeat(50_000)}"4111 1111 1111 1111"${']'.repeat(50_000)}`;
    expect(() => parseJsonMaskingCards(encode(deep))).toThrow(
      new JsonSyntaxError('not accepted: nests deeper than 256 levels', undefined),
    );
    // Brackets inside strings are text, not nesting; without a card number no reviver runs.
    expect(nestingDepth('{"a":"[[[[\\"}')).toBe(1);
    expect(
      parseJsonMaskingCards(encode(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)),
    ).toBeDefined();
  });

  it('masks a card number sent as a JSON number above 2^53 by its source text', () => {
    for (const { number } of CARD_NUMBER_CORPUS) {
      const parsed = parseJsonMaskingCards(encode(`{"pan":${number},"deep":[[{"n":-${number}}]]}`));
      // Parsed as a double the digits would change; the masked string keeps the card's own.
      expect(parsed).toEqual({
        pan: maskDigits(number),
        deep: [[{ n: `-${maskDigits(number)}` }]],
      });
    }
    expect(parseJsonMaskingCards(encode('[6212345678900000003e0, 4111111111111111.0]'))).toEqual([
      `${maskDigits('6212345678900000003')}e0`,
      // A fraction part is a digit group of the same run, and the whole run is masked.
      maskDigits('41111111111111110'),
    ]);
  });

  it('masks card numbers that JSON escapes hide from the raw text', () => {
    const escaped = String.raw`{"a":"4111\n1111\t1111\r1111","b":"\u0034111111111111111","\u0035555555555554444":1}`;
    expect(parseJsonMaskingCards(encode(escaped))).toEqual({
      a: '411111******1111',
      b: '411111******1111',
      '555555******4444': 1,
    });
  });

  it('masks numbers only when asked to leave strings and keys to the caller', () => {
    const body = `{"claimId":"4111111111111111","pan":6212345678900000003,"4242424242424242":1}`;
    expect(parseJsonMaskingCards(encode(body), { strings: false })).toEqual({
      claimId: '4111111111111111',
      pan: maskDigits('6212345678900000003'),
      '4242424242424242': 1,
    });
  });

  it('leaves numbers, strings and keys without card numbers as they are', () => {
    const body = '{"amount":149.99,"big":12345678901234567890123,"id":"74123456789012345678901"}';
    expect(parseJsonMaskingCards(encode(body))).toEqual(JSON.parse(body));
  });

  it('masks keys and values at any depth, keeping __proto__ a plain key', () => {
    const parsed = parseJsonMaskingCards(
      encode('{"__proto__":{"4111 1111 1111 1111":["5555-5555-5555-4444"]}}'),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual({
      '411111******1111': ['555555******4444'],
    });
  });

  it('describes malformed JSON by byte offset, never quoting the body', () => {
    const card = '4111111111111111';
    const cases: [string, string][] = [
      [`{"pan":"${card}",}`, 'not valid JSON at byte offset 26'],
      [`{"pan":"é${card}" x}`, 'not valid JSON at byte offset 28'],
      [`{"pan":${card}`, 'not valid JSON at byte offset 23'],
      [`{"pan":"${card}`, 'not valid JSON at byte offset 24'],
      [`{"pan":x${card}}`, 'not valid JSON: unexpected character'],
      ['', 'empty'],
      ['   ', 'not valid JSON: unexpected end'],
    ];
    for (const [body, message] of cases) {
      let thrown: unknown;
      try {
        parseJsonMaskingCards(encode(body));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(JsonSyntaxError);
      expect((thrown as Error).message).toBe(message);
      expect((thrown as Error).message).not.toContain('4111');
    }
    expect(() => parseJsonMaskingCards(Uint8Array.of(0x7b, 0xff, 0x7d))).toThrow('not valid UTF-8');
  });

  it('gives the unmasked top-level fields a route must send on in flight, and only those', () => {
    const raw = encode('{"primaryAccountNum":"5454545454545454","memo":"4111111111111111"}');
    expect(readInFlightFields(raw, ['primaryAccountNum'])).toEqual({
      primaryAccountNum: '5454545454545454',
    });
    expect(readInFlightFields(encode('[1]'), ['primaryAccountNum'])).toEqual({});
  });

  it('never lets a card number written any way survive, anywhere in any JSON (property)', () => {
    const card = fc.constantFrom(...CARD_NUMBER_CORPUS.map((entry) => entry.number));
    const writtenCard = fc
      .tuple(
        card,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }),
      )
      .map(([number, sizes, separators]) => {
        let text = '';
        for (let at = 0, i = 0; at < number.length; i += 1) {
          const size = sizes[i % sizes.length] ?? 4;
          if (at > 0) text += separators[i % separators.length] ?? ' ';
          text += number.slice(at, at + size);
          at += size;
        }
        return { number, text };
      });
    // Where the card goes: inside a string (with text around it), as a key, or as a bare number.
    const placement = fc.constantFrom('string', 'key', 'number');
    // The containers around the card, outermost first, each with a random sibling value.
    const nesting = fc.array(
      fc.tuple(fc.constantFrom('array', 'object'), fc.jsonValue({ maxDepth: 2 }), fc.string()),
      {
        maxLength: 5,
      },
    );
    fc.assert(
      fc.property(
        writtenCard,
        placement,
        fc.string({ maxLength: 12 }),
        nesting,
        ({ number, text }, where, around, containers) => {
          const inString = JSON.stringify(`${around}x${text}x${around}`);
          let json =
            where === 'number'
              ? number
              : where === 'key'
                ? `{${inString}:1}`
                : JSON.stringify(`${around} ${text} ${around}`);
          for (const [kind, sibling, key] of containers.toReversed()) {
            json =
              kind === 'array'
                ? `[${JSON.stringify(sibling)},${json}]`
                : `{${JSON.stringify(`${key}_`)}:${JSON.stringify(sibling)},"card":${json}}`;
          }
          const parsed = parseJsonMaskingCards(encode(json));
          for (const item of texts(parsed)) {
            expect({ item, survives: survives(item, number) }).toEqual({ item, survives: false });
            expect(findCardNumbers(item)).toEqual([]);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('never skips masking where the finder sees a card number in a parsed value (property)', () => {
    // mayHoldCardNumber is the cheap scan that lets a body skip masking; the finder is the judge.
    const card = fc.constantFrom(...CARD_NUMBER_CORPUS.map((entry) => entry.number));
    const grouped = fc
      .tuple(card, fc.constantFrom(...SEPARATORS), fc.integer({ min: 1, max: 8 }))
      .map(([number, separator, size]) => {
        const groups: string[] = [];
        for (let at = 0; at < number.length; at += size) groups.push(number.slice(at, at + size));
        return groups.join(separator);
      });
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc
        .tuple(fc.string({ maxLength: 8 }), grouped, fc.string({ maxLength: 8 }))
        .map((parts) => parts.join('')),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        text,
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(text, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (built) => {
        const json = JSON.stringify(built);
        const found = texts(JSON.parse(json)).some((item) => findCardNumbers(item).length > 0);
        expect(!found || mayHoldCardNumber(json)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
