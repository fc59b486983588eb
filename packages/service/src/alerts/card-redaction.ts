import { findCardNumbers } from '@mastercom/contracts';

/**
 * Masks every card number hidden anywhere in a JSON value (unknown fields included): strings are
 * scanned for Luhn-valid 13–19 digit runs, long integers are checked as digit strings, and object
 * keys are scanned too. What is left shows at most the BIN and the last four digits.
 */
export function maskCardNumbersDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskCardNumbersInText(value);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e12) {
    const digits = String(Math.abs(value));
    return findCardNumbers(digits).length > 0 ? maskDigits(digits) : value;
  }
  if (Array.isArray(value)) return value.map(maskCardNumbersDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        maskCardNumbersInText(key),
        maskCardNumbersDeep(inner),
      ]),
    );
  }
  return value;
}

/** Replaces each card number in `text`, written with or without space/dash grouping. */
export function maskCardNumbersInText(text: string): string {
  let masked = text;
  for (const digits of new Set(findCardNumbers(text))) {
    // The same digits as found, with the separators findCardNumbers allows between them.
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from digits only
    const written = new RegExp(digits.split('').join('[ -]?'), 'g');
    masked = masked.replace(written, maskDigits(digits));
  }
  return masked;
}

/** `5454545454545454` -> `545454******5454`: the BIN and last four that PCI DSS allows to show. */
export function maskDigits(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(Math.max(0, digits.length - 10))}${digits.slice(-4)}`;
}
