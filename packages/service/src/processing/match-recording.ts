import { sql, type Kysely } from 'kysely';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { jsonRows } from '../platform/json-rows.js';
import type { LedgerMatch } from './merchant-ledger.js';

export interface MatchVerdict {
  alertId: string;
  /** The transaction the ledger found, or undefined when it found none. */
  match: LedgerMatch | undefined;
}

/**
 * Moves a batch of RECEIVED alerts to MATCHED (with the matched transaction) or UNMATCHED and
 * appends each one's event, in one statement, and returns the moved rows by alert id. The move is
 * conditional on RECEIVED, as in `transition`: an alert another worker moved first is left as it
 * is, gets no event, and is absent from the result.
 */
export async function recordMatches(
  db: Kysely<Database>,
  verdicts: readonly MatchVerdict[],
): Promise<Map<string, AlertRow>> {
  if (verdicts.length === 0) return new Map();
  const input = verdicts.map(({ alertId, match }) => ({
    alert_id: alertId,
    to_status: match ? 'MATCHED' : 'UNMATCHED',
    transaction_id: match?.transaction.transactionId ?? null,
    method: match?.method ?? null,
    reason: match
      ? `matched transaction ${match.transaction.transactionId} by ${match.method}`
      : 'no merchant transaction matched',
    detail: match ? { transactionId: match.transaction.transactionId, method: match.method } : null,
  }));
  const result = await sql<AlertRow>`
    WITH verdict AS (
      SELECT * FROM ${jsonRows(input)} AS v (
        alert_id text, to_status text, transaction_id text, method text, reason text, detail jsonb)
    ),
    moved AS (
      UPDATE alerts
         SET status = verdict.to_status,
             matched_transaction_id = verdict.transaction_id,
             match_method = verdict.method,
             updated_at = now()
        FROM verdict
       WHERE alerts.alert_id = verdict.alert_id AND alerts.status = 'RECEIVED'
      RETURNING alerts.*
    ),
    event AS (
      INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason, detail)
      SELECT moved.alert_id, 'RECEIVED', verdict.to_status, 'rule', verdict.reason, verdict.detail
        FROM moved JOIN verdict ON verdict.alert_id = moved.alert_id
    )
    SELECT * FROM moved
  `.execute(db);
  return new Map(result.rows.map((row) => [row.alert_id, row]));
}
