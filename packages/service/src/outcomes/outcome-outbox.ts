import type { AlertOutcome } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { alertMove, alertMovesCtes, moveAlert } from '../lifecycle/index.js';

const SENT = alertMove('OUTCOME_PENDING', 'OUTCOME_SENT');
const FAILED = alertMove('OUTCOME_PENDING', 'OUTCOME_FAILED');

export interface ClaimedOutcome {
  alertId: string;
  outcome: AlertOutcome;
  attempts: number;
  receivedAt: Date;
}

/**
 * Claims up to `limit` due outcomes for one call. The claim is recorded (state IN_FLIGHT,
 * attempts + 1, a lease) and committed BEFORE the call is made: if the process dies during the
 * call, the lease runs out and the same outcomes are claimed again and re-sent. That is safe
 * because an alert has exactly one outcome row, so a re-send carries the same outcome, and Ethoca
 * answers "already recorded" for it, which counts as sent.
 */
export async function claimDueOutcomes(
  db: Kysely<Database>,
  options: { limit: number; leaseMs: number },
): Promise<ClaimedOutcome[]> {
  const { rows } = await sql<{
    alert_id: string;
    outcome: AlertOutcome;
    attempts: number;
    received_at: Date;
  }>`
    UPDATE alert_outcomes AS o
    SET state = 'IN_FLIGHT',
        attempts = o.attempts + 1,
        last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => ${options.leaseMs / 1000})
    FROM alerts AS a
    WHERE a.alert_id = o.alert_id
      AND o.alert_id IN (
        SELECT alert_id FROM alert_outcomes
        WHERE state IN ('PENDING', 'IN_FLIGHT') AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ${options.limit}
        FOR UPDATE SKIP LOCKED
      )
    RETURNING o.alert_id, o.outcome, o.attempts, a.received_at
  `.execute(db);
  return rows.map((row) => ({
    alertId: row.alert_id,
    outcome: row.outcome,
    attempts: row.attempts,
    receivedAt: row.received_at,
  }));
}

/**
 * Ethoca holds these outcomes: the alerts are done. One statement for the whole batch (the
 * outcome rows, the alerts' moves to OUTCOME_SENT and their events), so a batch of 25 is one round
 * trip. Outcomes no longer IN_FLIGHT (settled by another dispatcher whose lease overlapped) are
 * left as they are, and so are their alerts. Returns the ids of the alerts it moved.
 */
export async function markSent(
  db: Kysely<Database>,
  sent: readonly { alertId: string; reason: string }[],
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const ids = sent.map((entry) => entry.alertId);
  const paths = sent.map((entry) => ({
    alertId: entry.alertId,
    steps: [{ move: SENT, reason: entry.reason }] as const,
  }));
  const { rows } = await sql<{ alert_id: string }>`
    WITH settled AS (
      UPDATE alert_outcomes SET state = 'SENT', sent_at = now(), last_error = NULL
       WHERE alert_id = ANY(${ids}::text[]) AND state = 'IN_FLIGHT'
      RETURNING alert_id
    ),
    ${alertMovesCtes({
      actor: 'system',
      paths,
      onlyWhere: sql`alerts.alert_id IN (SELECT alert_id FROM settled)`,
    })}
    SELECT alert_id FROM moved
  `.execute(db);
  return new Set(rows.map((row) => row.alert_id));
}

/** Try again at `nextAttemptAt`; the outcome itself never changes. */
export async function markRetry(
  db: Kysely<Database>,
  alertId: string,
  error: string,
  nextAttemptAt: Date,
): Promise<void> {
  await db
    .updateTable('alert_outcomes')
    .set({ state: 'PENDING', last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt })
    .where('alert_id', '=', alertId)
    .where('state', '=', 'IN_FLIGHT')
    .execute();
}

/**
 * A dead end: Ethoca refused the outcome for good (FAILED) or the retry budget ran out
 * (DEAD_LETTER). The alert moves to OUTCOME_FAILED, which the monitors alert on.
 */
export async function markFailed(
  db: Kysely<Database>,
  alertId: string,
  state: 'FAILED' | 'DEAD_LETTER',
  error: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('alert_outcomes')
      .set({ state, last_error: error.slice(0, 1000) })
      .where('alert_id', '=', alertId)
      .where('state', '=', 'IN_FLIGHT')
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return;
    await moveAlert(trx, FAILED, {
      alertId,
      actor: 'system',
      reason:
        state === 'DEAD_LETTER'
          ? `retry budget exhausted: ${error}`
          : `Ethoca refused the outcome: ${error}`,
    });
  });
}
