import type { Kysely, Transaction } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { Database } from '../platform/database-schema.js';

/**
 * The only moves an alert may make. Manual decisions enter at UNMATCHED or MATCHED and go straight
 * to OUTCOME_PENDING; everything else follows the worker's path.
 */
const ALLOWED: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  RECEIVED: ['MATCHED', 'UNMATCHED'],
  MATCHED: ['ACTIONED', 'OUTCOME_PENDING'],
  UNMATCHED: ['OUTCOME_PENDING'],
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
}

/**
 * Moves an alert from one status to the next and appends the event, inside the caller's
 * transaction. The update is conditional on the current status, so two workers racing on the same
 * alert cannot both move it: the loser gets IllegalTransitionError and changes nothing.
 */
export async function transition(
  trx: Transaction<Database> | Kysely<Database>,
  input: TransitionInput,
): Promise<void> {
  if (!canTransition(input.from, input.to))
    throw new IllegalTransitionError(input.alertId, input.from, input.to);
  const updated = await trx
    .updateTable('alerts')
    .set({ status: input.to, updated_at: new Date() })
    .where('alert_id', '=', input.alertId)
    .where('status', '=', input.from)
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) {
    const current = await trx
      .selectFrom('alerts')
      .select('status')
      .where('alert_id', '=', input.alertId)
      .executeTakeFirst();
    throw new IllegalTransitionError(
      input.alertId,
      (current?.status as AlertStatus | undefined) ?? 'unknown',
      input.to,
    );
  }
  await trx
    .insertInto('alert_events')
    .values({
      alert_id: input.alertId,
      from_status: input.from,
      to_status: input.to,
      actor: input.actor,
      reason: input.reason,
      detail: input.detail === undefined ? null : JSON.stringify(input.detail),
    })
    .execute();
}
