/**
 * The service's one card-number masking, applied at every boundary: what a request carries (JSON
 * bodies, paths and queries, multipart fields), what Mastercom returns, what is logged and what
 * is answered. The finding and masking of written card numbers is `findCardNumberSpans` and
 * `maskCardNumbersInText` in the contracts; this adds JSON values and JSON text.
 */
import {
  CARD_NUMBER_MIN_DIGITS,
  findCardNumbers,
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
  if (typeof value === 'string') return maskCardNumbersInText(value);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e12) {
    return maskNumberText(String(value), value);
  }
  if (Array.isArray(value)) return value.map(maskCardNumbersDeep);
  if (typeof value === 'object' && value !== null) return maskKeys(value, maskCardNumbersDeep);
  return value;
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
  const original = Object.entries(value);
  const masked = original.map(([key, item]): [string, unknown] => [
    maskCardNumbersInText(key),
    inner(item),
  ]);
  const same = masked.every(
    ([key, item], index) => key === original[index]?.[0] && item === original[index][1],
  );
  return same ? value : Object.fromEntries(masked);
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
  const masking = mayHoldCardNumber(text);
  // V8 walks a reviver recursively, so a deeply nested body would overflow the stack there (plain
  // JSON.parse does not); no message this service takes nests anywhere near this deep.
  if (masking && nestingDepth(text) > MAX_MASKED_JSON_DEPTH) {
    throw new JsonSyntaxError(
      `not accepted: nests deeper than ${String(MAX_MASKED_JSON_DEPTH)} levels`,
      undefined,
    );
  }
  try {
    if (!masking) return JSON.parse(text) as unknown;
    // Only a number's source text can hold a card number that its parsed value has lost; without
    // a long number the plain parser (several times faster than one with a reviver) is enough and
    // the strings and keys are masked in the fresh value afterwards.
    if (hasLongNumber(text)) {
      const reviver = options.strings === false ? numberMaskingReviver : maskingReviver;
      return JSON.parse(text, reviver) as unknown;
    }
    const value = JSON.parse(text) as unknown;
    return options.strings === false ? value : maskParsedInPlace(value);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw describeSyntaxError(error, text);
  }
}

/**
 * True when a number token of the JSON text (outside strings) has at least as many digits as the
 * shortest card number, fraction and exponent digits included: the only numbers whose source text
 * the masking reviver must see.
 */
function hasLongNumber(text: string): boolean {
  let inString = false;
  let digits = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code >= 0x30 && code <= 0x39) {
      digits += 1;
      if (digits >= CARD_NUMBER_MIN_DIGITS) return true;
    } else if (code === 0x22) {
      inString = true;
      digits = 0;
    } else if (code !== 0x2e && code !== 0x2b && code !== 0x2d && code !== 0x65 && code !== 0x45) {
      // Anything but the rest of a number (. + - e E) ends the token.
      digits = 0;
    }
  }
  return false;
}

/**
 * Masks every string and key of a value `JSON.parse` has just built (so nobody else holds it), in
 * place, without recursion. An object with a key to mask is rebuilt in the same key order, its
 * keys written as own data properties so `__proto__` stays a plain key.
 */
function maskParsedInPlace(root: unknown): unknown {
  if (typeof root === 'string') return maskCardNumbersInText(root);
  const stack: object[] = typeof root === 'object' && root !== null ? [root] : [];
  let rebuilt: Map<object, object> | undefined;
  for (let container = stack.pop(); container !== undefined; container = stack.pop()) {
    const record = container as Record<string, unknown>;
    let keysToMask = false;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') {
        const masked = maskCardNumbersInText(item);
        if (masked !== item) Object.defineProperty(record, key, { value: masked });
      } else if (typeof item === 'object' && item !== null) {
        stack.push(item);
      }
      if (!Array.isArray(record) && maskCardNumbersInText(key) !== key) keysToMask = true;
    }
    if (keysToMask)
      (rebuilt ??= new Map()).set(
        record,
        maskKeys(record, (item) => item),
      );
  }
  return rebuilt === undefined ? root : replaceRebuilt(root, rebuilt);
}

/** `root` with every object in `rebuilt` swapped for its rebuilt copy, wherever it sits. */
function replaceRebuilt(root: unknown, rebuilt: ReadonlyMap<object, object>): unknown {
  const stack: object[] = typeof root === 'object' && root !== null ? [root] : [];
  for (let container = stack.pop(); container !== undefined; container = stack.pop()) {
    const record = (rebuilt.get(container) ?? container) as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== 'object' || item === null) continue;
      const copy = rebuilt.get(item);
      if (copy !== undefined) Object.defineProperty(record, key, { value: copy });
      stack.push(item);
    }
  }
  return typeof root === 'object' && root !== null ? (rebuilt.get(root) ?? root) : root;
}

/** Deeper than any message the service takes; see `parseJsonMaskingCards`. */
export const MAX_MASKED_JSON_DEPTH = 256;

/** The deepest nesting of objects and arrays in JSON text, in one pass that skips strings. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * False only when no string, key or number of the JSON text can hold a card number, so masking
 * can be skipped. Every token of JSON text is bounded by characters that are neither digits nor
 * separators (quotes, commas, colons, brackets), so the text holds each token's digit runs as the
 * parsed value does, and a text with no run of at least 13 digits (digits joined by the finder's
 * separators) has no card number in any value. Escapes break that: `\n` or `\u0034` decode to a
 * separator or a digit the raw text does not show, so a text with one always counts. One pass, no
 * allocation: a superset of what `findCardNumbers` reports (no Luhn, no UUID exclusion).
 */
export function mayHoldCardNumber(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      digits += 1;
      if (digits >= CARD_NUMBER_MIN_DIGITS) return true;
    } else if (code === 0x5c && DECODES_TO_OTHER.has(text.charCodeAt(i + 1))) {
      return true;
    } else if (!isSeparator(code)) {
      digits = 0;
    }
  }
  return false;
}

/** The escapes after a backslash that decode to a character the raw text does not show. */
const DECODES_TO_OTHER: ReadonlySet<number> = new Set(
  ['n', 'r', 't', 'b', 'f', 'u'].map((letter) => letter.charCodeAt(0)),
);

/** ASCII separators of the finder (whitespace, - . / \\ _), as a table for the scan above. */
const ASCII_SEPARATOR = new Uint8Array(128);
for (const char of '\t\n\v\f\r -./\\_') ASCII_SEPARATOR[char.charCodeAt(0)] = 1;
/** The finder's separators beyond ASCII: Unicode whitespace, dashes and the minus sign. */
const WIDE_SEPARATOR = /^[\s\u2010-\u2015\u2212]$/;

function isSeparator(code: number): boolean {
  return code < 128 ? ASCII_SEPARATOR[code] === 1 : WIDE_SEPARATOR.test(String.fromCharCode(code));
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
