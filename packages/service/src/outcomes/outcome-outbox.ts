import type { AlertOutcome } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database-schema.js';
import { transition, transitionMany } from '../processing/alert-state-machine.js';

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
 * Ethoca holds these outcomes: the alerts are done. One transaction for the whole batch, so a
 * batch of 25 costs a few statements instead of a hundred round trips. Outcomes no longer
 * IN_FLIGHT (settled by another dispatcher whose lease overlapped) are left as they are.
 */
export async function markSent(
  db: Kysely<Database>,
  sent: readonly { alertId: string; reason: string }[],
): Promise<void> {
  if (sent.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('alert_outcomes')
      .set({ state: 'SENT', sent_at: new Date(), last_error: null })
      .where(
        'alert_id',
        'in',
        sent.map((entry) => entry.alertId),
      )
      .where('state', '=', 'IN_FLIGHT')
      .returning('alert_id')
      .execute();
    const settled = new Set(updated.map((row) => row.alert_id));
    await transitionMany(trx, {
      moves: sent.filter((entry) => settled.has(entry.alertId)),
      from: 'OUTCOME_PENDING',
      to: 'OUTCOME_SENT',
      actor: 'system',
    });
  });
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
    await transition(trx, {
      alertId,
      from: 'OUTCOME_PENDING',
      to: 'OUTCOME_FAILED',
      actor: 'system',
      reason:
        state === 'DEAD_LETTER'
          ? `retry budget exhausted: ${error}`
          : `Ethoca refused the outcome: ${error}`,
    });
  });
}
