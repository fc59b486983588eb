import * as z from 'zod';
import { decimalPlaces, isCurrencyCode, minorUnits } from './currency.js';

export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, {
    message: 'must be a three-letter upper-case ISO 4217 alpha code',
    // One message per problem: a malformed code need not also be reported as unknown.
    abort: true,
  })
  .refine(isCurrencyCode, 'is not an ISO 4217 currency code')
  .meta({ description: 'ISO 4217 alpha currency code', examples: ['USD'] });

interface MoneyBounds {
  min: number;
  max: number;
  description: string;
}

/**
 * `{ value, currencyCode }` as Ethoca writes amounts, with the value limited to the currency's
 * minor-unit exponent: 149.99 USD is fine, 149.999 USD and 10.5 JPY are not, 1.125 BHD is.
 * Unknown keys inside the amount are kept, like everywhere else in inbound Ethoca data.
 */
export function moneySchema({ min, max, description }: MoneyBounds) {
  return z
    .looseObject({
      value: z.number().min(min).max(max),
      currencyCode: currencyCodeSchema,
    })
    .superRefine((money, ctx) => {
      const exponent = minorUnits(money.currencyCode);
      if (exponent === undefined) return;
      const places = decimalPlaces(money.value);
      if (places > exponent) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `has ${places} decimal places; ${money.currencyCode} allows at most ${exponent}`,
        });
      }
    })
    .meta({ description });
}

/** Transaction and chargeback amounts on an alert: legacy `decimal(11,3)`, at least 0. */
export const alertMoneySchema = moneySchema({
  min: 0,
  max: 99_999_999.999,
  description: 'Amount in the currency of the transaction, with that currency’s decimals',
}).meta({ id: 'AlertMoney' });
export type AlertMoney = z.infer<typeof alertMoneySchema>;
