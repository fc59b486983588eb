import { sql, type Kysely, type Transaction } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import { IllegalTransitionError, type Actor, type AlertMove } from './alert-moves.js';
import { alertMovesCtes } from './alert-moves-sql.js';

export interface MoveInput {
  alertId: string;
  actor: Actor;
  reason: string;
  detail?: Record<string, unknown>;
}

/**
 * Moves one alert and appends its event, in one statement (so it is atomic on its own, and part
 * of the caller's transaction when there is one), and returns the alert as it now is. It is the
 * batch statement with one path, so the update is conditional on `move.from` in the same way:
 * of two workers racing on the alert, the loser gets IllegalTransitionError and changes nothing.
 */
export async function moveAlert(
  db: Transaction<Database> | Kysely<Database>,
  move: AlertMove,
  input: MoveInput,
): Promise<AlertRow> {
  const ctes = alertMovesCtes({
    actor: input.actor,
    paths: [
      {
        alertId: input.alertId,
        steps: [
          {
            move,
            reason: input.reason,
            ...(input.detail === undefined ? {} : { detail: input.detail }),
          },
        ],
      },
    ],
  });
  const { rows } = await sql<AlertRow>`WITH ${ctes} SELECT * FROM moved`.execute(db);
  const moved = rows[0];
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
