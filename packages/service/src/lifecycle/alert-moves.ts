import type { AlertStatus } from '../alerts/alert-status.js';

/**
 * The only moves an alert may make. Manual decisions enter at UNMATCHED or MATCHED and go straight
 * to OUTCOME_PENDING; everything else follows the worker's path. Money moves only through
 * REFUND_REQUESTED: the refund is reserved on the way in, and the PSP's final answer leads either
 * on to ACTIONED or, when the PSP refused, back to MATCHED for an agent. No agent decides an alert
 * while it is there, since the PSP may be refunding it at that moment.
 */
export const ALERT_MOVES = {
  RECEIVED: ['MATCHED', 'UNMATCHED'],
  MATCHED: ['REFUND_REQUESTED', 'OUTCOME_PENDING'],
  UNMATCHED: ['OUTCOME_PENDING'],
  REFUND_REQUESTED: ['ACTIONED', 'MATCHED'],
  ACTIONED: ['OUTCOME_PENDING'],
  OUTCOME_PENDING: ['OUTCOME_SENT', 'OUTCOME_FAILED'],
  OUTCOME_SENT: [],
  OUTCOME_FAILED: [],
} as const satisfies Record<AlertStatus, readonly AlertStatus[]>;

/** The status every alert is stored in: the column's default, and the first event's `to`. */
export const ARRIVAL_STATUS = 'RECEIVED' satisfies AlertStatus;

type Moves = typeof ALERT_MOVES;

/** One allowed move. A pair the table does not hold is not an `AlertMove` at all. */
export type AlertMove = {
  [From in keyof Moves]: { readonly from: From; readonly to: Moves[From][number] };
}[keyof Moves];

export type Actor = 'rule' | 'agent' | 'system';

export function canMove(from: AlertStatus, to: AlertStatus): boolean {
  return (ALERT_MOVES[from] as readonly AlertStatus[]).includes(to);
}

/**
 * Declares a move its caller makes, at module level: a forbidden pair is a type error, and a
 * pair smuggled past the types (a cast, plain JavaScript) throws when the caller's module loads.
 */
export function alertMove<From extends keyof Moves>(
  from: From,
  to: Moves[From][number],
): Extract<AlertMove, { from: From }> {
  if (!canMove(from, to)) throw new IllegalTransitionError('(declared move)', from, to);
  return Object.freeze({ from, to }) as Extract<AlertMove, { from: From }>;
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
