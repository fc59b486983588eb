/**
 * The service's one card-number masking, applied at every boundary: what a request carries (JSON
 * bodies, paths and queries, multipart fields), what Mastercom returns, what is logged and what
 * is answered. The finding and masking of written card numbers is `findCardNumberSpans` and
 * `maskCardNumbersInText` in the contracts; this adds JSON values and JSON text.
 */
import {
  CARD_NUMBER_MIN_DIGITS,
  findCardNumbers,
  hasCardNumberLengthRun,
  maskCardNumbersInText,
} from '@mastercom/contracts';

export { maskCardNumbersInText, maskDigits } from '@mastercom/contracts';

/**
 * Masks every card number anywhere in a value (unknown fields included): strings and object keys
 * are scanned for written card numbers, and an integer is checked as its digits. What is left
 * shows at most the BIN and the last four digits. A number that was a card number becomes the
 * masked string, so it can never be stored as a number.
 */
export function maskCardNumbersDeep(value: unknown): unknown {
  return maskDeep(value, (leaf) => {
    if (typeof leaf === 'number' && Number.isInteger(leaf) && Math.abs(leaf) >= 1e12) {
      return maskNumberText(String(leaf), leaf);
    }
    return maskStringLeaf(leaf);
  });
}

function maskStringLeaf(leaf: unknown): unknown {
  return typeof leaf === 'string' ? maskCardNumbersInText(leaf) : leaf;
}

/**
 * `value` with every key masked and every other leaf passed through `leaf`, copied only where
 * something changed: a value without card numbers comes back as it was, without allocating.
 */
function maskDeep(value: unknown, leaf: (value: unknown) => unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      const masked = maskDeep(item, leaf);
      if (masked !== item) (copy ??= value.slice() as unknown[])[index] = masked;
    }
    return copy ?? value;
  }
  if (typeof value === 'object' && value !== null) {
    return maskKeys(value, (item) => maskDeep(item, leaf));
  }
  return leaf(value);
}

/** A number whose source text holds a card number becomes the masked text; otherwise `value`. */
function maskNumberText(source: string, value: number): unknown {
  return findCardNumbers(source).length > 0 ? maskCardNumbersInText(source) : value;
}

/**
 * The object with every key masked and every value passed through `inner`; the same object when
 * nothing changes. Keys are written as own data properties, so `__proto__` stays a plain key.
 */
function maskKeys(value: object, inner: (value: unknown) => unknown): object {
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // The entries are only collected from the first change on, with the ones before it as they were.
  let entries: [string, unknown][] | undefined;
  keys.forEach((key, index) => {
    const item = record[key];
    const maskedKey = maskCardNumbersInText(key);
    const maskedItem = inner(item);
    if (entries === undefined && (maskedKey !== key || maskedItem !== item)) {
      entries = keys.slice(0, index).map((before) => [before, record[before]]);
    }
    entries?.push([maskedKey, maskedItem]);
  });
  return entries === undefined ? value : Object.fromEntries(entries);
}

/** The third argument Node 24's `JSON.parse` gives a reviver; `source` is set for primitives. */
interface ReviverContext {
  source?: string;
}

/**
 * The reviver that masks card numbers while `JSON.parse` builds the value. A number is judged by
 * its source text, not by the double it was parsed into: a card number above 2^53 parses into a
 * different number whose first digits are the card's, and the source text is the only place the
 * card is whole. Node 24 (V8 13) passes that text as `context.source`, per the TC39 proposal
 * "JSON.parse source text access" (https://github.com/tc39/proposal-json-parse-with-source).
 * Values are revived before their parents, so each object only has its own keys left to mask.
 */
function maskingReviver(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
  if (typeof value === 'number') return maskNumberText(context?.source ?? String(value), value);
  if (typeof value === 'string') return maskCardNumbersInText(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // Almost no key holds a card number; look before building a new object.
    const keys = Object.keys(value);
    if (keys.every((key) => maskCardNumbersInText(key) === key)) return value;
    return maskKeys(value, (item) => item);
  }
  return value;
}

/** The reviver above for numbers only. */
function numberMaskingReviver(
  this: unknown,
  _key: string,
  value: unknown,
  context?: ReviverContext,
) {
  return typeof value === 'number'
    ? maskNumberText(context?.source ?? String(value), value)
    : value;
}

/** A JSON text refused: what is wrong and where, never a byte of the text itself. */
export class JsonSyntaxError extends Error {
  /** Byte offset of the first byte that is wrong, when the parser can say. */
  readonly byteOffset: number | undefined;

  constructor(message: string, byteOffset: number | undefined) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.byteOffset = byteOffset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The one JSON parser of every JSON body the service takes: strict UTF-8 (invalid bytes are an
 * error, not U+FFFD; a BOM is tolerated as RFC 8259 section 8.1 allows), standard JSON.parse
 * syntax, and every card number in a string, an object key or a number's source text masked to
 * BIN + last 4 before anything else sees the value. Errors name the problem and the byte offset
 * and never quote the input, which may be a card number.
 */
export function parseJsonMaskingCards(
  raw: Uint8Array,
  options: {
    /**
     * False to mask card numbers in numbers only, leaving strings and keys as sent: for answers
     * whose string ids must stay exact (Mastercom's), where the caller masks what it keeps.
     */
    strings?: boolean;
  } = {},
): unknown {
  if (raw.length === 0) throw new JsonSyntaxError('empty', undefined);
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new JsonSyntaxError('not valid UTF-8', undefined);
  }
  const shape = mayHoldCardNumber(text) ? jsonTextShape(text) : undefined;
  // The reviver and the masking walk recurse, so a deeply nested body would overflow the stack
  // there (plain JSON.parse does not); no message this service takes nests anywhere near this deep.
  if (shape !== undefined && shape.depth > MAX_MASKED_JSON_DEPTH) {
    throw new JsonSyntaxError(
      `not accepted: nests deeper than ${String(MAX_MASKED_JSON_DEPTH)} levels`,
      undefined,
    );
  }
  try {
    if (shape === undefined) return JSON.parse(text) as unknown;
    // Only a number's source text can hold a card number that its parsed value has lost; without
    // a long number the plain parser (several times faster than one with a reviver) is enough and
    // the strings and keys are masked afterwards.
    if (shape.longNumber) {
      const reviver = options.strings === false ? numberMaskingReviver : maskingReviver;
      return JSON.parse(text, reviver) as unknown;
    }
    const value = JSON.parse(text) as unknown;
    return options.strings === false ? value : maskDeep(value, maskStringLeaf);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw describeSyntaxError(error, text);
  }
}

/** Deeper than any message the service takes; see `parseJsonMaskingCards`. */
export const MAX_MASKED_JSON_DEPTH = 256;

/** The deepest nesting of objects and arrays in JSON text. */
export function nestingDepth(text: string): number {
  return jsonTextShape(text).depth;
}

/**
 * In one pass that skips strings: the deepest nesting of objects and arrays, and whether a number
 * token has at least as many digits as the shortest card number (fraction and exponent digits
 * included), the only numbers whose source text the masking reviver must see.
 */
function jsonTextShape(text: string): { depth: number; longNumber: boolean } {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let numberDigits = 0;
  let longNumber = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code >= 0x30 && code <= 0x39) {
      numberDigits += 1;
      if (numberDigits >= CARD_NUMBER_MIN_DIGITS) longNumber = true;
    } else if (code !== 0x2e && code !== 0x2b && code !== 0x2d && code !== 0x65 && code !== 0x45) {
      // Anything but the rest of a number (. + - e E) ends the number token.
      numberDigits = 0;
      if (code === 0x22) {
        inString = true;
      } else if (code === 0x7b || code === 0x5b) {
        depth += 1;
        if (depth > deepest) deepest = depth;
      } else if (code === 0x7d || code === 0x5d) {
        depth -= 1;
      }
    }
  }
  return { depth: deepest, longNumber };
}

/**
 * False only when no string, key or number of the JSON text can hold a card number, so masking
 * can be skipped. Every token of JSON text is bounded by characters that are neither digits nor
 * separators (quotes, commas, colons, brackets), so the text holds each token's digit runs as the
 * parsed value does, and a text with no run long enough for a card number (the finder's own
 * pre-scan, a superset of what it reports) has no card number in any value. Escapes break that:
 * `\n` or `\u0034` decode to a separator or a digit the raw text does not show, so a text with one
 * always counts.
 */
export function mayHoldCardNumber(text: string): boolean {
  return /\\[nrtbfu]/.test(text) || hasCardNumberLengthRun(text);
}

/**
 * V8's message without the input it may quote: "Unexpected token 'x', "…4111…" is not valid
 * JSON" quotes the text around the error, while "… in JSON at position N" gives a position, in
 * UTF-16 code units of the decoded text, which is turned into a byte offset here.
 */
function describeSyntaxError(error: SyntaxError, text: string): JsonSyntaxError {
  if (error.message.startsWith('Unexpected end of JSON input')) {
    return new JsonSyntaxError('not valid JSON: unexpected end', undefined);
  }
  const position = /\bin JSON at position (\d+)/.exec(error.message)?.[1];
  if (position !== undefined) {
    const byteOffset = new TextEncoder().encode(text.slice(0, Number(position))).length;
    return new JsonSyntaxError(`not valid JSON at byte offset ${String(byteOffset)}`, byteOffset);
  }
  return new JsonSyntaxError('not valid JSON: unexpected character', undefined);
}

/**
 * The unmasked top-level string `fields` of a JSON body that `parseJsonMaskingCards` accepted,
 * for the one use that needs a full card number: sending it on in flight (a Mastercom case filed
 * by `primaryAccountNum`). The caller keeps them in memory only and stores the masked body.
 */
export function readInFlightFields(
  raw: Uint8Array,
  fields: readonly string[],
): Record<string, string> {
  const body = JSON.parse(utf8.decode(raw)) as unknown;
  const kept: Record<string, string> = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return kept;
  for (const field of fields) {
    const value: unknown = Object.getOwnPropertyDescriptor(body, field)?.value;
    if (typeof value === 'string') kept[field] = value;
  }
  return kept;
}
