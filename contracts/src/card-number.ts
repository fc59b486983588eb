/**
 * Card-number arithmetic shared by the schemas, the fixtures and the "no full card number is
 * stored or logged" scans. No zod and no Node built-ins: k6 bundles this through the fixtures.
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

/**
 * Every card-number-looking value in `text`: a maximal run of digits, optionally grouped by single
 * spaces or dashes (`4111 1111 1111 1111`, `4111-1111-…`), with 13–19 digits that passes Luhn.
 * Runs are taken whole, so a 23-digit ARN is never reported because a slice of it happens to pass
 * Luhn; when a grouped run is not a card number, each unbroken digit group in it is still checked,
 * so `order 123 4111111111111111` finds the PAN. Returns the digits without separators, in order.
 */
export function findCardNumbers(text: string): string[] {
  // Most strings scanned (every field and key of every alert) hold fewer digits than the shortest
  // card number; counting them is far cheaper than the match below.
  if (!hasDigits(text, 13)) return [];
  const found: string[] = [];
  const isCardNumber = (digits: string) =>
    digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
  // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
  for (const match of text.matchAll(/\d(?:[ -]?\d)*/g)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (isCardNumber(digits)) {
      found.push(digits);
      continue;
    }
    const groups = match[0].split(/[ -]/);
    if (groups.length > 1) found.push(...groups.filter(isCardNumber));
  }
  return found;
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
