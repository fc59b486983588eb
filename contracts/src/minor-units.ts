/**
 * Money as integer minor units of its currency (cents for USD, yen for JPY, fils for BHD). Inside
 * the service every amount is one of these integers; decimals exist only at the boundaries, where
 * JSON carries `149.99` and PostgreSQL `numeric` carries `'149.990'`. The conversions work on the
 * decimal text, never by multiplying binary floating point, so they are exact or they refuse.
 * No zod and no Node built-ins: k6 bundles this through the fixtures.
 */
import { minorUnits } from './currency.js';

/** Amounts here never exceed 99,999,999.999 (Ethoca's `decimal(11,3)`), far below 2^53. */
export interface MinorMoney {
  /** A safe integer: the amount in the currency's minor units. */
  minor: number;
  currencyCode: string;
}

/** The currency's exponent; a code that is not a transactional currency is refused. */
export function exponentOf(currencyCode: string): number {
  const exponent = minorUnits(currencyCode);
  if (exponent === undefined) throw new RangeError(`${currencyCode} is not an ISO 4217 currency`);
  return exponent;
}

/**
 * `'149.99'`, `'149.990'` (PostgreSQL numeric) or `149.99` (a JSON number as JavaScript prints it)
 * to 14999 for USD. Throws when the value has more significant decimals than the currency allows,
 * is negative, or is not a plain decimal: such an amount was never valid money.
 */
export function toMinorUnits(value: number | string, currencyCode: string): number {
  const exponent = exponentOf(currencyCode);
  const text = typeof value === 'number' ? plainDecimal(value) : value.trim();
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, two disjoint digit runs: linear
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new RangeError(`${String(value)} is not a non-negative decimal amount`);
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new RangeError(`${text} has more decimals than ${currencyCode} allows (${exponent})`);
  }
  const minor = Number(`${whole}${fraction.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${text} is too large an amount`);
  return minor;
}

/**
 * 14999 USD to the JSON number 149.99. Dividing an integer by a power of ten gives the double
 * nearest the decimal, whose shortest printed form is that decimal, so `JSON.stringify` writes
 * exactly the amount.
 */
export function fromMinorUnits(minor: number, currencyCode: string): number {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new RangeError(`${minor} is not a non-negative whole number of minor units`);
  }
  return minor / 10 ** exponentOf(currencyCode);
}

/** 14999 USD to `'149.99'`: the exact text for a PostgreSQL `numeric` parameter. */
export function minorUnitsToDecimal(minor: number, currencyCode: string): string {
  const exponent = exponentOf(currencyCode);
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new RangeError(`${minor} is not a non-negative whole number of minor units`);
  }
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** `{ value, currencyCode }` as Ethoca and the PSP write it, to minor units. */
export function moneyToMinor(money: { value: number | string; currencyCode: string }): MinorMoney {
  return { minor: toMinorUnits(money.value, money.currencyCode), currencyCode: money.currencyCode };
}

/** Minor units back to `{ value, currencyCode }` for a JSON body. */
export function minorToMoney(money: MinorMoney): { value: number; currencyCode: string } {
  return {
    value: fromMinorUnits(money.minor, money.currencyCode),
    currencyCode: money.currencyCode,
  };
}

/** A JSON number's decimal text without an exponent (`1e-7` is `0.0000001`). */
function plainDecimal(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent notation appears below 1e-6 and above 1e21; toFixed(20) covers every amount that can
  // still be exact money, and anything it cannot write is refused by the caller's pattern.
  return value.toFixed(20).replace(/\.?0+$/, '');
}
