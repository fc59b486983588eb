import { minorUnitsToDecimal, toMinorUnits, type MinorMoney } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { jsonRows } from '../platform/database/json-rows.js';

/** What matching needs to know about an alert. */
export interface MatchableAlert {
  acquirerReferenceNumber: string | null;
  cardBin: string | null;
  cardLast4: string | null;
  amount: MinorMoney;
  authCode: string | null;
  /** The alert's transaction time as an instant, read in the member's time zone. */
  transactionAt: Date | null;
  merchantDescriptor: string | null;
}

/** A merchant transaction as decisions see it; amounts in minor units of `currencyCode`. */
export interface LedgerTransaction {
  transactionId: string;
  settled: boolean;
  fulfilment: 'NOT_FULFILLED' | 'FULFILLED' | 'CANCELLED';
  amountMinor: number;
  /** Refunded and confirmed: what the merchant reported plus this service's confirmed refunds. */
  refundedMinor: number;
  /** Reserved for refunds the PSP has been or is about to be asked for, not yet answered. */
  reservedMinor: number;
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
      // As decimal text: PostgreSQL compares it with the numeric column exactly.
      amount: minorUnitsToDecimal(alert.amount.minor, alert.amount.currencyCode),
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
export const LEDGER_COLUMNS = [
  'transaction_id',
  'settled',
  'fulfilment',
  'amount_value',
  'refunded_value',
  'refund_reserved_value',
  'amount_currency',
] as const;
export const LEDGER_SELECT = sql.raw(LEDGER_COLUMNS.join(', '));

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

export function toLedger(row: {
  transaction_id: string;
  settled: boolean;
  fulfilment: LedgerTransaction['fulfilment'];
  amount_value: string;
  refunded_value: string;
  refund_reserved_value: string;
  amount_currency: string;
}): LedgerTransaction {
  const currency = row.amount_currency;
  return {
    transactionId: row.transaction_id,
    settled: row.settled,
    fulfilment: row.fulfilment,
    amountMinor: toMinorUnits(row.amount_value, currency),
    refundedMinor: toMinorUnits(row.refunded_value, currency),
    reservedMinor: toMinorUnits(row.refund_reserved_value, currency),
    currencyCode: currency,
  };
}
