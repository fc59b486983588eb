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

/** Digit groups joined by separators only: where a written card number can be. */
interface DigitRun {
  start: number;
  end: number;
  groups: DigitGroup[];
}

/** Most groups a window can span: each group has at least one digit. */
const MAX_GROUPS_PER_WINDOW = CARD_NUMBER_MAX_DIGITS;

/**
 * Every written card number in `text`, in order of position; spans may overlap when two windows
 * of one run both pass, but none lies inside another.
 *
 * A card number is 13–19 digits that pass Luhn and do not start with 0. People write it grouped,
 * so digit groups joined by separators (see SEPARATOR) form one run, and every window of whole
 * consecutive groups of a run is checked: `ref 12 4111 1111 1111 1111 99` finds the card. A group
 * is never cut, so a slice of a longer unbroken run (a 23-digit ARN) is never reported. A UUID
 * holding a hex letter is an identifier, never a card: its digits are skipped, or random request
 * ids would be reported about once in a few hundred. Linear in the length of `text`.
 */
export function findCardNumberSpans(text: string): CardNumberSpan[] {
  // Most strings scanned (every field and key of every alert, every log line) hold no run long
  // enough for a card number; one pass says so far more cheaply than the matching below.
  if (!hasCardNumberLengthRun(text)) return [];
  return digitRuns(text).flatMap(cardWindows);
}

/** The digits of every card number written in `text` (see findCardNumberSpans), in order. */
export function findCardNumbers(text: string): string[] {
  return findCardNumberSpans(text).map((span) => span.digits);
}

/** The runs of digit groups in `text`, UUIDs left out, in order of position. */
function digitRuns(text: string): DigitRun[] {
  const identifiers = uuidSpans(text);
  let identifier = 0;
  const runs: DigitRun[] = [];
  let run: DigitRun | undefined;
  for (const match of text.matchAll(/\d+/g)) {
    const start = match.index;
    const group = { start, end: start + match[0].length, digits: match[0] };
    while ((identifiers[identifier]?.end ?? Infinity) <= start) identifier += 1;
    if ((identifiers[identifier]?.start ?? Infinity) <= start) {
      run = undefined;
      continue;
    }
    if (run !== undefined && SEPARATOR.test(text.slice(run.end, start))) {
      run.groups.push(group);
      run.end = group.end;
    } else {
      run = { start, end: group.end, groups: [group] };
      runs.push(run);
    }
  }
  return runs;
}

/**
 * Each window of whole consecutive groups of `run` that is a card number and lies inside no
 * longer one (`6 2 1 2 3 … 3` holds a shorter valid window, which is part of the number).
 */
function cardWindows(run: DigitRun): CardNumberSpan[] {
  const { groups } = run;
  const windows: { first: number; last: number; digits: string }[] = [];
  for (let first = 0; first < groups.length; first += 1) {
    // A card number's first digit is its major industry identifier (ISO/IEC 7812-1), and no
    // network issues cards under 0; zero-padded counters (`000000000000000` passes Luhn) are
    // everywhere in ids and must not be taken for cards.
    if (groups[first]?.digits.startsWith('0') !== false) continue;
    let digits = '';
    for (let last = first; last < groups.length; last += 1) {
      digits += groups[last]?.digits ?? '';
      if (digits.length > CARD_NUMBER_MAX_DIGITS) break;
      if (digits.length >= CARD_NUMBER_MIN_DIGITS && luhnValid(digits)) {
        windows.push({ first, last, digits });
      }
    }
  }
  // Windows come ordered by first group, then last; one that holds another starts at most
  // MAX_GROUPS_PER_WINDOW groups before it, so only those few are compared.
  return windows
    .filter((window, index) => {
      for (let j = index - 1; j >= 0; j -= 1) {
        const other = windows[j];
        if (other === undefined || other.first < window.first - MAX_GROUPS_PER_WINDOW) break;
        if (other.last >= window.last) return false;
      }
      const next = windows[index + 1];
      return !(next?.first === window.first && next.last > window.last);
    })
    .map((window) => ({
      start: groups[window.first]?.start ?? run.start,
      end: groups[window.last]?.end ?? run.end,
      digits: window.digits,
    }));
}

/** The UUIDs in `text` that hold at least one hex letter; an all-digit one is digits like any. */
function uuidSpans(text: string): { start: number; end: number }[] {
  // A UUID is 36 characters with dashes; most texts scanned cannot hold one.
  if (text.length < 36 || !text.includes('-')) return [];
  return [...text.matchAll(UUID)]
    .filter((match) => /[a-f]/i.test(match[0]))
    .map((match) => ({ start: match.index, end: match.index + match[0].length }));
}

/**
 * Replaces every run of digit groups that holds a card number (any grouping, see
 * findCardNumberSpans) with the BIN and last four of the run (`maskDigits`), separators dropped.
 * The whole run goes, not just the card's window: digits left visible beside a mask could form a
 * card number with their neighbours, while a masked run leaves at most 6 and 4 digits, each next
 * to a `*`. For the usual run that is just the card, that is the card's BIN and last four.
 */
export function maskCardNumbersInText(text: string): string {
  if (!hasCardNumberLengthRun(text)) return text;
  let masked = '';
  let from = 0;
  for (const run of digitRuns(text)) {
    if (cardWindows(run).length === 0) continue;
    masked += text.slice(from, run.start) + maskDigits(run.groups.map((g) => g.digits).join(''));
    from = run.end;
  }
  return from === 0 && masked === '' ? text : masked + text.slice(from);
}

/**
 * `5454545454545454` -> `545454******5454`: the BIN and last four that PCI DSS (v4.0 requirement
 * 3.4.1) allows to be shown; everything between is `*`.
 */
export function maskDigits(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
}

/**
 * False only when no card number can be written in `text`: when no run of digits joined by
 * separators (the runs `findCardNumberSpans` looks in) holds as many digits as the shortest card
 * number. One pass and no allocation, so callers can use it to skip the finder on text that
 * cannot hold a card (most text), and on text too long to search in full for an answer that is
 * almost always no. It is a superset: no Luhn check and no UUID is left out.
 */
export function hasCardNumberLengthRun(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      digits += 1;
      if (digits >= CARD_NUMBER_MIN_DIGITS) return true;
    } else if (!isSeparator(code)) {
      digits = 0;
    }
  }
  return false;
}

/** SEPARATOR for one character; the ASCII ones from a table made from SEPARATOR itself. */
const ASCII_SEPARATORS = Array.from({ length: 128 }, (_, code) =>
  SEPARATOR.test(String.fromCharCode(code)),
);
function isSeparator(code: number): boolean {
  return code < 128 ? ASCII_SEPARATORS[code] === true : SEPARATOR.test(String.fromCharCode(code));
}
