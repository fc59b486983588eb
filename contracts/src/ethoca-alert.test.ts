import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertCard, ethocaAlertSchema, redactAlert } from './ethoca-alert.js';
import { findCardNumbers } from './card-number.js';
import { createAlert, exampleAlert } from './fixtures/index.js';

const seed = fc.integer({ min: 0, max: 0x7fffffff });
// Keys that are not alert fields and not JavaScript object internals.
const unknownKey = fc
  .string({ minLength: 1, maxLength: 20 })
  .filter(
    (key) => !(key in ethocaAlertSchema.shape) && !['__proto__', 'constructor'].includes(key),
  );
const jsonValue = fc.jsonValue({ maxDepth: 2 });

describe('ethocaAlertSchema', () => {
  it('accepts the reference example unchanged', () => {
    expect(ethocaAlertSchema.parse(exampleAlert)).toEqual(exampleAlert);
  });

  it('keeps unknown fields, at the top level and inside amounts', () => {
    fc.assert(
      fc.property(seed, unknownKey, jsonValue, (s, key, value) => {
        const alert = { ...createAlert(s), [key]: value };
        alert.amount = { ...alert.amount, exchangeRate: 1.1 };
        const parsed = ethocaAlertSchema.parse(alert);
        expect(parsed[key]).toEqual(value);
        expect(parsed.amount.exchangeRate).toBe(1.1);
      }),
    );
  });

  it('accepts null for optional fields and requires only the documented minimum', () => {
    const minimal = {
      alertId: exampleAlert.alertId,
      alertType: 'CUSTOMERDISPUTE',
      alertTimestamp: '2026-03-04T09:12:44',
      transactionTimestamp: '2026-03-03T14:05:31',
      merchantDescriptor: 'ACME*ONLINE',
      amount: { value: 1500, currencyCode: 'JPY' },
      cardBin: '55555555',
      cardLast4: '4444',
      issuer: null,
      acquirerReferenceNumber: null,
    };
    expect(ethocaAlertSchema.safeParse(minimal).success).toBe(true);
  });

  it('accepts X as the mask character and 3-decimal currencies', () => {
    const alert = {
      ...exampleAlert,
      cardNumber: '545454XXXXXX5454',
      amount: { value: 12.345, currencyCode: 'BHD' },
    };
    expect(ethocaAlertSchema.safeParse(alert).success).toBe(true);
  });
});

describe('alertCard and redactAlert', () => {
  it('reads BIN and last 4 from an unmasked number and masks it', () => {
    const alert = ethocaAlertSchema.parse({
      ...exampleAlert,
      cardNumber: '5555555555554444',
      cardBin: undefined,
      cardLast4: undefined,
    });
    expect(alertCard(alert)).toEqual({ bin: '555555', last4: '4444' });
    expect(redactAlert(alert).cardNumber).toBe('555555******4444');
  });

  it('reads an 8-digit BIN from a number masked after 8 digits', () => {
    const alert = ethocaAlertSchema.parse({
      ...exampleAlert,
      cardNumber: '22230031****3222',
      cardBin: undefined,
      cardLast4: undefined,
    });
    expect(alertCard(alert)).toEqual({ bin: '22230031', last4: '3222' });
  });

  it('never leaves a full card number in a redacted alert', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const redacted = redactAlert(ethocaAlertSchema.parse(createAlert(s)));
        expect(findCardNumbers(JSON.stringify(redacted))).toEqual([]);
        expect(ethocaAlertSchema.safeParse(redacted).success).toBe(true);
      }),
    );
  });
});
