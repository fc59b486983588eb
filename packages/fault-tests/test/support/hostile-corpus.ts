import {
  createAlert,
  invalidExamples,
  SeededRandom,
  TEST_CARD_NUMBERS,
} from '@mastercom/contracts/fixtures';

/** One generated hostile body. */
export interface HostileCase {
  kind: string;
  body: Buffer;
  /**
   * True when the body is malformed by construction (it must be refused: a 4xx, or FAILURE for
   * every alert); false when it may legitimately be accepted (hostile but valid text).
   */
  malformed: boolean;
}

/** Strings that have broken parsers, databases, loggers and terminals somewhere. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ufeff',
  '\u202eevil',
  '\u200b\u200c\u200d',
  '\r\n\r\nHTTP/1.1 200 OK',
  "'; DROP TABLE alerts; --",
  '" OR 1=1 --',
  '$1 $2 %s %n %x {0} ${7*7} {{7*7}}',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\\u0000',
  '\u001b[31mred\u001b[0m',
  '😀'.repeat(1000),
  'A'.repeat(100_000),
  ...TEST_CARD_NUMBERS.slice(0, 4),
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '1e309',
  'NaN',
  'null',
  '-0',
];

const STRING_FIELDS = Object.entries(createAlert(1))
  .filter(([, value]) => typeof value === 'string')
  .map(([key]) => key)
  .concat(['cardNumber', 'cardBin', 'cardLast4', 'acquirerReferenceNumber']);

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Bytes that are not UTF-8: lone continuation, overlong, surrogate, out of range, truncated. */
const INVALID_UTF8: readonly number[][] = [
  [0x80],
  [0xc0, 0xaf],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff],
  [0xfe, 0xff],
  [0xe2, 0x82],
];

/**
 * A deterministic corpus of `count` hostile bodies: JSON edge cases (deep nesting, huge numbers,
 * duplicate keys, invalid UTF-8, byte order marks, truncation), every hostile string in every
 * string field of a valid alert, and every named invalid fixture of the contracts, cycled until
 * `count` is reached with fresh seeds.
 */
export function* hostileCorpus(count: number, seed = 20_261_126): Generator<HostileCase> {
  const random = new SeededRandom(seed);
  const fixed: (() => HostileCase)[] = [];
  for (const example of invalidExamples.alert) {
    fixed.push(() => ({
      kind: `fixture alert: ${example.name}`,
      body: utf8(JSON.stringify(example.value)),
      malformed: true,
    }));
    fixed.push(() => ({
      kind: `fixture alert in a batch: ${example.name}`,
      body: utf8(JSON.stringify({ alerts: [example.value] })),
      malformed: true,
    }));
  }
  for (const example of invalidExamples.delivery) {
    fixed.push(() => ({
      kind: `fixture delivery: ${example.name}`,
      body: utf8(JSON.stringify(example.value)),
      malformed: true,
    }));
  }
  for (const field of STRING_FIELDS) {
    for (const text of HOSTILE_STRINGS) {
      fixed.push(() => ({
        kind: `hostile string in ${field}`,
        body: utf8(JSON.stringify(createAlert(random.int(1, 1e9), { [field]: text }))),
        malformed: false,
      }));
    }
  }
  let produced = 0;
  for (const make of fixed) {
    if (produced >= count) return;
    produced += 1;
    yield make();
  }
  const generators: (() => HostileCase)[] = [
    () => {
      const depth = random.int(1, 20_000);
      const open = random.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const alert = JSON.stringify(createAlert(random.int(1, 1e9)));
      return {
        kind: 'deep nesting',
        body: utf8(alert.replace(/}$/, `,"deep":${open.repeat(depth)}1${close.repeat(depth)}}`)),
        malformed: depth > 60,
      };
    },
    () => {
      const numbers = [
        '1e999999',
        '-1e999999',
        '1'.repeat(random.int(20, 5000)),
        '0.' + '0'.repeat(400) + '1',
        '-0',
        '1E+400',
        '123456789012345678901234567890',
      ];
      const field = random.pick(['memberId', 'age', 'amount', 'extra']);
      const value = random.pick(numbers);
      const alert = createAlert(random.int(1, 1e9));
      const text = JSON.stringify({ ...alert, [field]: '\u0001' }).replace('"\\u0001"', value);
      // A number that underflows to 0 (or -0) is read as 0 by every I-JSON parser, a valid member
      // id; numbers that overflow or pass 2^53 cannot be an integer field or an amount object.
      const representable = value === '-0' || value.startsWith('0.');
      return {
        kind: 'huge number',
        body: utf8(text),
        malformed: (field === 'memberId' || field === 'amount') && !representable,
      };
    },
    () => {
      const alert = createAlert(random.int(1, 1e9));
      const field = random.pick(STRING_FIELDS.filter((f) => f in alert));
      const text = JSON.stringify(alert).replace(
        /^{/,
        `{${JSON.stringify(field)}:${JSON.stringify(random.pick(HOSTILE_STRINGS))},`,
      );
      return { kind: 'duplicate key', body: utf8(text), malformed: false };
    },
    () => {
      const text = utf8(JSON.stringify(createAlert(random.int(1, 1e9))));
      const at = random.int(1, text.length - 2);
      const bad = Buffer.from(random.pick(INVALID_UTF8));
      return {
        kind: 'invalid UTF-8',
        body: Buffer.concat([text.subarray(0, at), bad, text.subarray(at)]),
        malformed: true,
      };
    },
    () => {
      const bom = random.pick([
        [0xef, 0xbb, 0xbf],
        [0xfe, 0xff],
        [0xff, 0xfe],
        [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf],
      ]);
      const text = utf8(JSON.stringify(createAlert(random.int(1, 1e9))));
      // RFC 8259 lets a parser ignore one UTF-8 BOM; anything else before the JSON is malformed.
      return {
        kind: 'byte order mark',
        body: Buffer.concat([Buffer.from(bom), text]),
        malformed: bom.length !== 3 || bom[0] !== 0xef,
      };
    },
    () => {
      const text = utf8(
        JSON.stringify(
          random.chance(0.5)
            ? createAlert(random.int(1, 1e9))
            : { alerts: [createAlert(random.int(1, 1e9)), createAlert(random.int(1, 1e9))] },
        ),
      );
      return {
        kind: 'truncation',
        body: text.subarray(0, random.int(0, text.length - 1)),
        malformed: true,
      };
    },
    () => {
      const bytes = Buffer.alloc(random.int(0, 512));
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = random.int(0, 255);
      return { kind: 'random bytes', body: bytes, malformed: true };
    },
  ];
  while (produced < count) {
    produced += 1;
    yield random.pick(generators)();
  }
}
