import { sql, type Kysely } from 'kysely';
import { alertMove, alertMovesCtes, type AlertPath } from '../lifecycle/index.js';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import type { LedgerMatch } from './merchant-ledger.js';

const MATCHED = alertMove('RECEIVED', 'MATCHED');
const UNMATCHED = alertMove('RECEIVED', 'UNMATCHED');

export interface MatchVerdict {
  alertId: string;
  /** The transaction the ledger found, or undefined when it found none. */
  match: LedgerMatch | undefined;
}

/**
 * Moves a batch of RECEIVED alerts to MATCHED (with the matched transaction) or UNMATCHED and
 * appends each one's event, in one statement, and returns the moved rows by alert id. The move is
 * conditional on RECEIVED: an alert another worker moved first is left as it is, gets no event,
 * and is absent from the result.
 */
export async function recordMatches(
  db: Kysely<Database>,
  verdicts: readonly MatchVerdict[],
): Promise<Map<string, AlertRow>> {
  if (verdicts.length === 0) return new Map();
  const paths = verdicts.map(({ alertId, match }): AlertPath => {
    if (match === undefined)
      return {
        alertId,
        steps: [{ move: UNMATCHED, reason: 'no merchant transaction matched' }],
      };
    const { transactionId } = match.transaction;
    return {
      alertId,
      matchedTransactionId: transactionId,
      matchMethod: match.method,
      steps: [
        {
          move: MATCHED,
          reason: `matched transaction ${transactionId} by ${match.method}`,
          detail: { transactionId, method: match.method },
        },
      ],
    };
  });
  const result = await sql<AlertRow>`
    WITH ${alertMovesCtes({ actor: 'rule', paths })}
    SELECT * FROM moved
  `.execute(db);
  return new Map(result.rows.map((row) => [row.alert_id, row]));
}
