/**
 * `POST /api/v6/transactions`: the merchant's transactions, which the default MerchantLedger
 * matches alerts against. Card data is limited to BIN and last 4 and unknown fields are refused,
 * so a full card number can never arrive through this door.
 */
import * as z from 'zod';
import { decimalPlaces, minorUnits } from './currency.js';
import { moneySchema } from './money.js';

export const FULFILMENT_STATES = ['NOT_FULFILLED', 'FULFILLED', 'CANCELLED'] as const;

export const MAX_TRANSACTIONS_PER_IMPORT = 1000;

const transactionMoneySchema = moneySchema({
  min: 0.001,
  max: 99_999_999.999,
  description: 'Amount in the currency of the transaction, with that currency’s decimals',
});

export const merchantTransactionSchema = z
  .strictObject({
    transactionId: z
      .string()
      .min(1)
      .max(64)
      .meta({ description: 'The merchant’s or PSP’s id; the upsert key' }),
    acquirerReferenceNumber: z
      .string()
      .regex(/^\d{23,24}$/, 'must be the 23 or 24 digit ARN')
      .optional(),
    cardBin: z.string().regex(/^(?:\d{6}|\d{8})$/, 'must be 6 or 8 digits'),
    cardLast4: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
    amount: transactionMoneySchema,
    authCode: z.string().min(1).max(8).optional(),
    transactionAt: z.iso
      .datetime({ offset: true })
      .meta({ description: 'The authorisation instant, with Z or an offset' }),
    descriptor: z.string().min(1).max(50).optional(),
    settled: z
      .boolean()
      .default(true)
      .meta({ description: 'false when the authorisation was voided and never settled' }),
    fulfilment: z.enum(FULFILMENT_STATES),
    refundedValue: z
      .number()
      .min(0)
      .max(99_999_999.999)
      .default(0)
      .meta({ description: 'Already refunded, same currency' }),
  })
  .superRefine((transaction, ctx) => {
    const exponent = minorUnits(transaction.amount.currencyCode);
    const places = decimalPlaces(transaction.refundedValue);
    if (exponent !== undefined && places > exponent) {
      ctx.addIssue({
        code: 'custom',
        path: ['refundedValue'],
        message: `has ${places} decimal places; ${transaction.amount.currencyCode} allows at most ${exponent}`,
      });
      return;
    }
    if (transaction.refundedValue > transaction.amount.value) {
      ctx.addIssue({
        code: 'custom',
        path: ['refundedValue'],
        message: 'is more than the transaction amount',
      });
    }
  })
  .meta({ id: 'MerchantTransaction' });
export type MerchantTransaction = z.infer<typeof merchantTransactionSchema>;

export const transactionImportRequestSchema = z
  .strictObject({
    transactions: z.array(merchantTransactionSchema).min(1).max(MAX_TRANSACTIONS_PER_IMPORT),
  })
  .meta({ id: 'TransactionImportRequest' });
export type TransactionImportRequest = z.infer<typeof transactionImportRequestSchema>;

export const transactionImportResponseSchema = z
  .object({ inserted: z.int().nonnegative(), updated: z.int().nonnegative() })
  .meta({ id: 'TransactionImportResponse' });
export type TransactionImportResponse = z.infer<typeof transactionImportResponseSchema>;
