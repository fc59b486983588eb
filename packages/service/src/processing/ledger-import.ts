import {
  minorUnitsToDecimal,
  moneyToMinor,
  toMinorUnits,
  type MerchantTransaction,
} from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';

/** One imported transaction the ledger cannot take, with the reason, by its place in the import. */
export interface ImportConflict {
  index: number;
  transactionId: string;
  reason: string;
}

/** The import would rewrite a transaction below what this service has refunded or reserved. */
export class LedgerImportConflictError extends Error {
  constructor(readonly conflicts: readonly ImportConflict[]) {
    super(`the import conflicts with refunds of ${conflicts.length} transaction(s)`);
    this.name = 'LedgerImportConflictError';
  }
}

/**
 * Upserts by transactionId in one transaction; reports how many rows were new. A re-import is the
 * merchant's view, and it may not know of this service's refunds yet: it can never lower
 * `refunded_value` below what this service refunded (confirmed by the PSP), nor set an amount
 * below what is refunded plus what is reserved for refunds in flight, nor change the currency of
 * a transaction with refunds. Such an import is refused whole and changes nothing. The existing
 * rows are locked first, as the worker locks a transaction before reserving, so no reservation
 * slips in between the check and the write (the table's CHECK would refuse it anyway).
 */
export async function upsertTransactions(
  db: Kysely<Database>,
  transactions: readonly MerchantTransaction[],
): Promise<{ inserted: number; updated: number }> {
  return db.transaction().execute(async (trx) => {
    const ids = [...new Set(transactions.map((transaction) => transaction.transactionId))].sort();
    const existing = await sql<{
      transaction_id: string;
      amount_currency: string;
      refund_reserved_value: string;
      ours: string;
    }>`
      SELECT m.transaction_id, m.amount_currency, m.refund_reserved_value,
             coalesce((SELECT sum(r.amount_value) FROM alert_refunds r
                        WHERE r.transaction_id = m.transaction_id AND r.status = 'SUCCEEDED'), 0)
               AS ours
        FROM merchant_transactions m
       WHERE m.transaction_id = ANY(${ids})
       ORDER BY m.transaction_id
         FOR UPDATE OF m
    `.execute(trx);
    const byId = new Map(existing.rows.map((row) => [row.transaction_id, row]));

    const conflicts: ImportConflict[] = [];
    const rows = transactions.map((transaction, index) => {
      const amount = moneyToMinor(transaction.amount);
      let refunded = toMinorUnits(transaction.refundedValue, amount.currencyCode);
      const current = byId.get(transaction.transactionId);
      if (current !== undefined) {
        const ours = toMinorUnits(current.ours, current.amount_currency);
        const reserved = toMinorUnits(current.refund_reserved_value, current.amount_currency);
        if ((ours > 0 || reserved > 0) && current.amount_currency !== amount.currencyCode) {
          conflicts.push({
            index,
            transactionId: transaction.transactionId,
            reason: `has refunds in ${current.amount_currency}; its currency cannot change`,
          });
        } else {
          refunded = Math.max(refunded, ours);
          if (refunded + reserved > amount.minor) {
            const held = minorUnitsToDecimal(refunded + reserved, amount.currencyCode);
            conflicts.push({
              index,
              transactionId: transaction.transactionId,
              reason: `${held} ${amount.currencyCode} is refunded or reserved for refunds in flight; the amount cannot be less`,
            });
          }
        }
      }
      return toRow(transaction, minorUnitsToDecimal(refunded, amount.currencyCode));
    });
    if (conflicts.length > 0) throw new LedgerImportConflictError(conflicts);

    const written = await trx
      .insertInto('merchant_transactions')
      .values(rows)
      .onConflict((conflict) =>
        conflict.column('transaction_id').doUpdateSet((eb) => ({
          acquirer_reference_number: eb.ref('excluded.acquirer_reference_number'),
          card_bin: eb.ref('excluded.card_bin'),
          card_last4: eb.ref('excluded.card_last4'),
          amount_value: eb.ref('excluded.amount_value'),
          amount_currency: eb.ref('excluded.amount_currency'),
          auth_code: eb.ref('excluded.auth_code'),
          transaction_at: eb.ref('excluded.transaction_at'),
          descriptor: eb.ref('excluded.descriptor'),
          settled: eb.ref('excluded.settled'),
          fulfilment: eb.ref('excluded.fulfilment'),
          refunded_value: eb.ref('excluded.refunded_value'),
          updated_at: new Date(),
        })),
      )
      // xmax is 0 for a freshly inserted row and set for one the upsert updated.
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const inserted = written.filter((row) => row.inserted).length;
    return { inserted, updated: written.length - inserted };
  });
}

function toRow(transaction: MerchantTransaction, refundedValue: string) {
  return {
    transaction_id: transaction.transactionId,
    acquirer_reference_number: transaction.acquirerReferenceNumber ?? null,
    // Stored as the 6-digit BIN so that 6- and 8-digit BINs from either side compare equal.
    card_bin: transaction.cardBin.slice(0, 6),
    card_last4: transaction.cardLast4,
    amount_value: minorUnitsToDecimal(
      toMinorUnits(transaction.amount.value, transaction.amount.currencyCode),
      transaction.amount.currencyCode,
    ),
    amount_currency: transaction.amount.currencyCode,
    auth_code: transaction.authCode ?? null,
    transaction_at: transaction.transactionAt,
    descriptor: transaction.descriptor ?? null,
    settled: transaction.settled,
    fulfilment: transaction.fulfilment,
    refunded_value: refundedValue,
  };
}
