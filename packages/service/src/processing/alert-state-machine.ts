import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, AlertsTable, Database } from '../platform/database-schema.js';

/**
 * The only moves an alert may make. Manual decisions enter at UNMATCHED or MATCHED and go straight
 * to OUTCOME_PENDING; everything else follows the worker's path. Money moves only through
 * REFUND_REQUESTED: the refund is reserved on the way in, and the PSP's final answer leads either
 * on to ACTIONED or, when the PSP refused, back to MATCHED for an agent. No agent decides an alert
 * while it is there, since the PSP may be refunding it at that moment.
 */
const ALLOWED: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  RECEIVED: ['MATCHED', 'UNMATCHED'],
  MATCHED: ['REFUND_REQUESTED', 'OUTCOME_PENDING'],
  UNMATCHED: ['OUTCOME_PENDING'],
  REFUND_REQUESTED: ['ACTIONED', 'MATCHED'],
  ACTIONED: ['OUTCOME_PENDING'],
  OUTCOME_PENDING: ['OUTCOME_SENT', 'OUTCOME_FAILED'],
  OUTCOME_SENT: [],
  OUTCOME_FAILED: [],
};

export type Actor = 'rule' | 'agent' | 'system';

export function canTransition(from: AlertStatus, to: AlertStatus): boolean {
  return ALLOWED[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly alertId: string,
    readonly from: AlertStatus | 'unknown',
    readonly to: AlertStatus,
  ) {
    super(`alert ${alertId}: ${from} -> ${to} is not an allowed transition`);
    this.name = 'IllegalTransitionError';
  }
}

export interface TransitionInput {
  alertId: string;
  from: AlertStatus;
  to: AlertStatus;
  actor: Actor;
  reason: string;
  detail?: Record<string, unknown>;
  /** Other columns the same move sets, such as the matched transaction. */
  set?: Pick<Updateable<AlertsTable>, 'matched_transaction_id' | 'match_method'>;
}

/**
 * Moves an alert from one status to the next and appends the event, in one statement (so it is
 * atomic on its own, and part of the caller's transaction when there is one), and returns the
 * alert as it now is. The update is conditional on the current status, so two workers racing on
 * the same alert cannot both move it: the loser gets IllegalTransitionError and changes nothing.
 */
export async function transition(
  trx: Transaction<Database> | Kysely<Database>,
  input: TransitionInput,
): Promise<AlertRow> {
  if (!canTransition(input.from, input.to))
    throw new IllegalTransitionError(input.alertId, input.from, input.to);
  const moved = await trx
    .with('moved', (db) =>
      db
        .updateTable('alerts')
        .set({ ...input.set, status: input.to, updated_at: new Date() })
        .where('alert_id', '=', input.alertId)
        .where('status', '=', input.from)
        .returningAll(),
    )
    .with('event', (db) =>
      db
        .insertInto('alert_events')
        .columns(['alert_id', 'from_status', 'to_status', 'actor', 'reason', 'detail'])
        .expression(
          db
            .selectFrom('moved')
            .select([
              'moved.alert_id',
              sql<string>`${input.from}`.as('from_status'),
              sql<string>`${input.to}`.as('to_status'),
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
  if (moved === undefined) throw await illegalTransitionFrom(trx, input.alertId, input.to);
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
