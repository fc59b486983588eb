// ISO 4217 lookups without zod, so the k6-bundled fixtures can use them. The table itself is the
// maintained `currency-codes` package (ISO's list one); this file only decides which entries count
// as money a card transaction can be in.
import currencyCodes from 'currency-codes';

/**
 * Codes in ISO 4217 that are not a currency a card transaction is settled in: precious metals,
 * bond-market units, the SDR, the testing code and "no currency". ISO lists their minor unit as
 * "N.A."; `currency-codes` flattens that to 0, so they are excluded here instead of being read as
 * zero-decimal currencies.
 */
const NON_TRANSACTIONAL_CODES: ReadonlySet<string> = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

/**
 * Minor-unit exponents by code, of the currencies money can be in. Built once: `currency-codes`
 * looks a code up by scanning its whole list, and every alert's amounts are checked.
 */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(
  currencyCodes
    .codes()
    .filter((code) => /^[A-Z]{3}$/.test(code) && !NON_TRANSACTIONAL_CODES.has(code))
    .map((code) => [code, currencyCodes.code(code)?.digits ?? 0]),
);

/** True for an upper-case ISO 4217 alpha code of a currency money can be in. */
export function isCurrencyCode(code: string): boolean {
  return MINOR_UNITS.has(code);
}

/** The ISO 4217 minor-unit exponent (USD 2, JPY 0, BHD 3, CLF 4), or undefined for a non-currency. */
export function minorUnits(code: string): number | undefined {
  return MINOR_UNITS.get(code);
}

/**
 * Number of decimal places a JSON number carries as written by `JSON.stringify`, which is how the
 * value reached us or will leave us. `149.99` has 2, `1e-7` has 7, `250` has 0.
 */
export function decimalPlaces(value: number): number {
  // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
  const match = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/i.exec(String(value));
  if (!match) return Number.POSITIVE_INFINITY;
  const fraction = match[1]?.length ?? 0;
  const exponent = Number(match[2] ?? '0');
  return Math.max(0, fraction - exponent);
}
