/**
 * Card-number arithmetic shared by the schemas, the fixtures, the service's masking and the "no
 * full card number is stored or logged" scans. No zod and no Node built-ins: k6 bundles this
 * through the fixtures.
 */

/** Mod-10 (Luhn) check over a string of digits; false for anything that is not all digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The digit that makes `payload + digit` pass the Luhn check (used for PANs and ARNs). */
export function luhnCheckDigit(payload: string): string {
  for (let digit = 0; digit <= 9; digit += 1) {
    if (luhnValid(`${payload}${digit}`)) return String(digit);
  }
  throw new Error(`no Luhn check digit for ${payload}: not all digits`);
}

/** ISO/IEC 7812-1: a primary account number has 13 to 19 digits (the shortest in use). */
export const CARD_NUMBER_MIN_DIGITS = 13;
export const CARD_NUMBER_MAX_DIGITS = 19;

/**
 * What may stand between the digit groups of a written card number: any whitespace, ASCII and
 * Unicode dashes and the minus sign, dots, slashes, backslashes and underscores, in any mix and
 * any number.
 */
const SEPARATOR = /^[\s\-\u2010-\u2015\u2212./\\_]+$/;

/** An RFC 9562 UUID in its 8-4-4-4-12 text form. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Where a card number is written in a text: `text.slice(start, end)`, and its digits. */
export interface CardNumberSpan {
  start: number;
  end: number;
  digits: string;
}

interface DigitGroup {
  start: number;
  end: number;
  digits: string;
}

/**
 * Every written card number in `text`, in order of position; spans may overlap when two windows
 * of one run both pass (the masker merges them), but none lies inside another.
 *
 * A card number is 13–19 digits that pass Luhn and do not start with 0. People write it grouped,
 * so digit groups joined by separators (see SEPARATOR) form one run, and every window of whole consecutive groups of a
 * run is checked: `ref 12 4111 1111 1111 1111 99` finds the card. A group is never cut, so a slice
 * of a longer unbroken run (a 23-digit ARN) is never reported. A UUID holding a hex letter is an
 * identifier, never a card: its digits are skipped, or random request ids would be reported about
 * once in a few hundred.
 */
export function findCardNumberSpans(text: string): CardNumberSpan[] {
  // Most strings scanned (every field and key of every alert) hold fewer digits than the shortest
  // card number; counting them is far cheaper than the matching below.
  if (!hasDigits(text, CARD_NUMBER_MIN_DIGITS)) return [];
  const identifiers = uuidSpans(text);
  const found: CardNumberSpan[] = [];
  let run: DigitGroup[] = [];
  let previousEnd = -1;
  for (const match of text.matchAll(/\d+/g)) {
    const start = match.index;
    const group = { start, end: start + match[0].length, digits: match[0] };
    if (identifiers.some((span) => start >= span.start && start < span.end)) {
      collectWindows(text, run, found);
      run = [];
      previousEnd = -1;
      continue;
    }
    const joined = previousEnd >= 0 && SEPARATOR.test(text.slice(previousEnd, start));
    if (!joined) {
      collectWindows(text, run, found);
      run = [];
    }
    run.push(group);
    previousEnd = group.end;
  }
  collectWindows(text, run, found);
  // A window inside a longer card-number window (`6 2 1 2 3 … 3` holds a shorter valid one) is
  // part of that number, not a number of its own.
  return found
    .filter(
      (span) =>
        !found.some(
          (other) =>
            other !== span &&
            other.start <= span.start &&
            other.end >= span.end &&
            other.digits.length > span.digits.length,
        ),
    )
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The digits of every card number written in `text` (see findCardNumberSpans), in order. */
export function findCardNumbers(text: string): string[] {
  return findCardNumberSpans(text).map((span) => span.digits);
}

/** Adds each window of whole consecutive groups of `run` that is a card number. */
function collectWindows(text: string, run: readonly DigitGroup[], found: CardNumberSpan[]): void {
  for (let first = 0; first < run.length; first += 1) {
    // A card number's first digit is its major industry identifier (ISO/IEC 7812-1), and no
    // network issues cards under 0; zero-padded counters (`000000000000000` passes Luhn) are
    // everywhere in ids and must not be taken for cards.
    if (run[first]?.digits.startsWith('0') !== false) continue;
    let digits = '';
    for (let last = first; last < run.length; last += 1) {
      digits += run[last]?.digits ?? '';
      if (digits.length > CARD_NUMBER_MAX_DIGITS) break;
      if (digits.length >= CARD_NUMBER_MIN_DIGITS && luhnValid(digits)) {
        found.push({ start: run[first]?.start ?? 0, end: run[last]?.end ?? 0, digits });
      }
    }
  }
}

/** The UUIDs in `text` that hold at least one hex letter; an all-digit one is digits like any. */
function uuidSpans(text: string): { start: number; end: number }[] {
  if (!text.includes('-')) return [];
  return [...text.matchAll(UUID)]
    .filter((match) => /[a-f]/i.test(match[0]))
    .map((match) => ({ start: match.index, end: match.index + match[0].length }));
}

/**
 * Replaces every card number written in `text` (any grouping, see findCardNumberSpans) with its
 * BIN and last four (`maskDigits`). Overlapping finds are masked as one, and the result is checked
 * again until nothing is found, so digits left visible next to a mask never form a card number.
 */
export function maskCardNumbersInText(text: string): string {
  if (!hasDigits(text, CARD_NUMBER_MIN_DIGITS)) return text;
  let masked = text;
  for (let spans = mergedSpans(masked); spans.length > 0; spans = mergedSpans(masked)) {
    let next = '';
    let from = 0;
    for (const span of spans) {
      next += masked.slice(from, span.start) + maskDigits(span.digits);
      from = span.end;
    }
    masked = next + masked.slice(from);
  }
  return masked;
}

/** Card-number spans with overlapping ones merged; `digits` are all the digits of the merge. */
function mergedSpans(text: string): CardNumberSpan[] {
  const merged: { start: number; end: number }[] = [];
  for (const span of findCardNumberSpans(text)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged.map((span) => ({
    ...span,
    digits: text.slice(span.start, span.end).replace(/\D/g, ''),
  }));
}

/**
 * `5454545454545454` -> `545454******5454`: the BIN and last four that PCI DSS (v4.0 requirement
 * 3.4.1) allows to be shown; everything between is `*`.
 */
export function maskDigits(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
}

/** Whether `text` holds at least `count` decimal digits, wherever they are. */
function hasDigits(text: string, count: number): boolean {
  let seen = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      seen += 1;
      if (seen >= count) return true;
    }
  }
  return false;
}
