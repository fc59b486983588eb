import type { MerchantTransaction } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database-schema.js';
import { jsonRows } from '../platform/json-rows.js';

/** What matching needs to know about an alert. */
export interface MatchableAlert {
  acquirerReferenceNumber: string | null;
  cardBin: string | null;
  cardLast4: string | null;
  amount: { value: number; currencyCode: string };
  authCode: string | null;
  /** The alert's transaction time as an instant, read in the member's time zone. */
  transactionAt: Date | null;
  merchantDescriptor: string | null;
}

export interface LedgerTransaction {
  transactionId: string;
  settled: boolean;
  fulfilment: 'NOT_FULFILLED' | 'FULFILLED' | 'CANCELLED';
  amountValue: number;
  refundedValue: number;
  currencyCode: string;
}

export interface LedgerMatch {
  transaction: LedgerTransaction;
  method: 'arn' | 'card_amount_time';
}

/**
 * The port through which processing finds the merchant transactions alerts are about, a batch at
 * a time (the worker takes up to 25 jobs at a time; one lookup for all of them is one round trip).
 * The default implementation reads the `merchant_transactions` table; a merchant with its own
 * order system implements this interface over its API instead.
 */
export interface MerchantLedger {
  /** One entry per alert, in the same order: its match, or undefined when nothing matched. */
  findMatches(alerts: readonly MatchableAlert[]): Promise<(LedgerMatch | undefined)[]>;
}

/**
 * ARN first: it identifies the settled transaction exactly. Otherwise the same card (BIN + last 4),
 * amount, currency and, when the alert has one, authorisation code, within a window around the
 * alert's transaction time: that time arrives in the member's local time without an offset, so
 * the window has to absorb a wrong guess of the zone. The descriptor breaks ties, then closeness
 * in time.
 */
export class PostgresMerchantLedger implements MerchantLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly windowHours: number,
  ) {}

  async findMatches(alerts: readonly MatchableAlert[]): Promise<(LedgerMatch | undefined)[]> {
    if (alerts.length === 0) return [];
    const wanted = alerts.map((alert, index) => ({
      ord: index,
      arn: alert.acquirerReferenceNumber,
      // Stored as the 6-digit BIN, so 6- and 8-digit BINs from either side compare equal.
      card_bin: alert.cardBin?.slice(0, 6) ?? null,
      card_last4: alert.cardLast4,
      currency: alert.amount.currencyCode,
      amount: alert.amount.value,
      auth_code: alert.authCode,
      at: alert.transactionAt?.toISOString() ?? null,
      descriptor: alert.merchantDescriptor,
    }));
    // For each alert the ARN candidate (rank 0) and the best card candidate (rank 1), the better
    // of the two kept; both lookups use their indexes and return at most one row each.
    const result = await sql<LedgerRow & { ord: number; method: LedgerMatch['method'] }>`
      SELECT found.*, wanted.ord
        FROM ${jsonRows(wanted)} AS wanted (
               ord int, arn text, card_bin text, card_last4 text, currency text, amount numeric,
               auth_code text, at timestamptz, descriptor text)
        CROSS JOIN LATERAL (
          SELECT * FROM (
            (SELECT 0 AS rank, 'arn' AS method, ${LEDGER_SELECT}
               FROM merchant_transactions
              WHERE wanted.arn IS NOT NULL AND acquirer_reference_number = wanted.arn
              LIMIT 1)
            UNION ALL
            (SELECT 1 AS rank, 'card_amount_time' AS method, ${LEDGER_SELECT}
               FROM merchant_transactions
              WHERE card_bin = wanted.card_bin
                AND card_last4 = wanted.card_last4
                AND amount_currency = wanted.currency
                AND amount_value = wanted.amount
                AND transaction_at BETWEEN wanted.at - make_interval(hours => ${this.windowHours})
                                       AND wanted.at + make_interval(hours => ${this.windowHours})
                AND (wanted.auth_code IS NULL OR auth_code = wanted.auth_code)
              ORDER BY (descriptor IS NOT DISTINCT FROM wanted.descriptor) DESC,
                       abs(extract(epoch FROM transaction_at - wanted.at))
              LIMIT 1)
          ) AS candidates
          ORDER BY rank
          LIMIT 1
        ) AS found
    `.execute(this.db);
    const matches: (LedgerMatch | undefined)[] = alerts.map(() => undefined);
    for (const row of result.rows) {
      matches[row.ord] = { transaction: toLedger(row), method: row.method };
    }
    return matches;
  }
}

/** The columns decisions need, read the same way wherever a transaction is loaded. */
const LEDGER_COLUMNS = [
  'transaction_id',
  'settled',
  'fulfilment',
  'amount_value',
  'refunded_value',
  'amount_currency',
] as const;
const LEDGER_SELECT = sql.raw(LEDGER_COLUMNS.join(', '));

type LedgerRow = Parameters<typeof toLedger>[0];

/** The matched transaction as it stands now (refunds since the match included). */
export async function loadLedgerTransaction(
  db: Kysely<Database>,
  transactionId: string,
): Promise<LedgerTransaction | undefined> {
  const row = await db
    .selectFrom('merchant_transactions')
    .select(LEDGER_COLUMNS)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
  return row === undefined ? undefined : toLedger(row);
}

function toLedger(row: {
  transaction_id: string;
  settled: boolean;
  fulfilment: LedgerTransaction['fulfilment'];
  amount_value: string;
  refunded_value: string;
  amount_currency: string;
}): LedgerTransaction {
  return {
    transactionId: row.transaction_id,
    settled: row.settled,
    fulfilment: row.fulfilment,
    amountValue: Number(row.amount_value),
    refundedValue: Number(row.refunded_value),
    currencyCode: row.amount_currency,
  };
}

/** Upserts by transactionId in one transaction; reports how many rows were new. */
export async function upsertTransactions(
  db: Kysely<Database>,
  transactions: readonly MerchantTransaction[],
): Promise<{ inserted: number; updated: number }> {
  const rows = await db
    .insertInto('merchant_transactions')
    .values(
      transactions.map((transaction) => ({
        transaction_id: transaction.transactionId,
        acquirer_reference_number: transaction.acquirerReferenceNumber ?? null,
        // Stored as the 6-digit BIN so that 6- and 8-digit BINs from either side compare equal.
        card_bin: transaction.cardBin.slice(0, 6),
        card_last4: transaction.cardLast4,
        amount_value: transaction.amount.value,
        amount_currency: transaction.amount.currencyCode,
        auth_code: transaction.authCode ?? null,
        transaction_at: transaction.transactionAt,
        descriptor: transaction.descriptor ?? null,
        settled: transaction.settled,
        fulfilment: transaction.fulfilment,
        refunded_value: transaction.refundedValue,
      })),
    )
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
  const inserted = rows.filter((row) => row.inserted).length;
  return { inserted, updated: rows.length - inserted };
}
