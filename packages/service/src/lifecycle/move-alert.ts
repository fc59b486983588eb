import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, AlertsTable, Database } from '../platform/database/database-schema.js';
import { IllegalTransitionError, canMove, type Actor, type AlertMove } from './alert-moves.js';

export interface MoveInput {
  alertId: string;
  actor: Actor;
  reason: string;
  detail?: Record<string, unknown>;
  /** Other columns the same move sets, such as the matched transaction. */
  set?: Pick<Updateable<AlertsTable>, 'matched_transaction_id' | 'match_method'>;
}

/**
 * Moves one alert and appends its event, in one statement (so it is atomic on its own, and part
 * of the caller's transaction when there is one), and returns the alert as it now is. The update
 * is conditional on `move.from`, so two workers racing on the same alert cannot both move it: the
 * loser gets IllegalTransitionError and changes nothing.
 */
export async function moveAlert(
  db: Transaction<Database> | Kysely<Database>,
  move: AlertMove,
  input: MoveInput,
): Promise<AlertRow> {
  // The types already refuse a forbidden pair; this refuses one that arrived through a cast.
  if (!canMove(move.from, move.to))
    throw new IllegalTransitionError(input.alertId, move.from, move.to);
  const moved = await db
    .with('moved', (q) =>
      q
        .updateTable('alerts')
        .set({ ...input.set, status: move.to, updated_at: new Date() })
        .where('alert_id', '=', input.alertId)
        .where('status', '=', move.from)
        .returningAll(),
    )
    .with('event', (q) =>
      q
        .insertInto('alert_events')
        .columns(['alert_id', 'from_status', 'to_status', 'actor', 'reason', 'detail'])
        .expression(
          q
            .selectFrom('moved')
            .select([
              'moved.alert_id',
              sql<string>`${move.from}`.as('from_status'),
              sql<string>`${move.to}`.as('to_status'),
              sql<Actor>`${input.actor}`.as('actor'),
              sql<string>`${input.reason}`.as('reason'),
              sql<
                string | null
              >`${input.detail === undefined ? null : JSON.stringify(input.detail)}::jsonb`.as(
                'detail',
              ),
            ]),
        ),
    )
    .selectFrom('moved')
    .selectAll()
    .executeTakeFirst();
  if (moved === undefined) throw await illegalTransitionFrom(db, input.alertId, move.to);
  return moved;
}

/**
 * The error for a conditional move that found the alert elsewhere, naming where it is now: for
 * the callers whose statement moved nothing.
 */
export async function illegalTransitionFrom(
  db: Transaction<Database> | Kysely<Database>,
  alertId: string,
  to: AlertStatus,
): Promise<IllegalTransitionError> {
  const current = await db
    .selectFrom('alerts')
    .select('status')
    .where('alert_id', '=', alertId)
    .executeTakeFirst();
  return new IllegalTransitionError(
    alertId,
    (current?.status as AlertStatus | undefined) ?? 'unknown',
    to,
  );
}
