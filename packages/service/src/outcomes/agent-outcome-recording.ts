import {
  amountWhenNothingMoved,
  minorToMoney,
  outcomesForAlertType,
  type AlertOutcome,
  type ManualOutcomeRequest,
} from '@mastercom/contracts';
import type { Kysely } from 'kysely';
import { alertMove, moveAlert } from '../lifecycle/index.js';
import type { Database } from '../platform/database/database-schema.js';
import { alertAmount, alertTypeOf } from '../processing/alert-decision-input.js';

// An agent decides alerts the rules could not: unmatched ones, and matched ones whose refund the
// PSP refused. Anything further along already has its one final outcome, or has a refund that the
// PSP may be making at this moment: deciding it by hand could report NOT_REFUNDED for money that
// moved, so the agent waits for the PSP's answer.
const DECIDED = {
  UNMATCHED: alertMove('UNMATCHED', 'OUTCOME_PENDING'),
  MATCHED: alertMove('MATCHED', 'OUTCOME_PENDING'),
} as const;

/** The statuses an agent may decide from; the agents' queue lists exactly these. */
export const DECIDABLE_STATUSES = Object.keys(DECIDED);

export type AgentOutcomeResult =
  | { status: 202; outcome: AlertOutcome }
  | { status: 400; detail: string }
  | { status: 409; detail: string }
  | { status: 404 };

/**
 * Records an agent's decision: the outcome row the dispatcher sends and the alert's move to
 * OUTCOME_PENDING, in one transaction that holds the alert's row lock, which serialises it with
 * the worker and with a second agent. Refusals change nothing.
 */
export async function recordAgentOutcome(
  db: Kysely<Database>,
  alertId: string,
  request: ManualOutcomeRequest,
  now: Date,
): Promise<AgentOutcomeResult> {
  const at = now.toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return db.transaction().execute(async (trx) => {
    const alert = await trx
      .selectFrom('alerts')
      .select(['alert_id', 'alert_type', 'status', 'amount_value', 'amount_currency'])
      .where('alert_id', '=', alertId)
      .forUpdate()
      .executeTakeFirst();
    if (alert === undefined) return { status: 404 };
    const type = alertTypeOf(alert);
    if (!outcomesForAlertType(type).includes(request.outcome))
      return { status: 400, detail: `${request.outcome} does not apply to a ${type} alert` };
    if (!Object.hasOwn(DECIDED, alert.status))
      return { status: 409, detail: notDecidable(alert.status) };
    const nothing = amountWhenNothingMoved(minorToMoney(alertAmount(alert)));
    const outcome: AlertOutcome = {
      alertId,
      outcome: request.outcome,
      refundStatus: request.refundStatus,
      refund: request.refund
        ? { ...request.refund, timestamp: request.refund.timestamp ?? at }
        : { amount: nothing, timestamp: at },
      amountStopped: request.amountStopped ?? nothing,
      ...(request.comments === undefined ? {} : { comments: request.comments }),
      actionTimestamp: request.actionTimestamp ?? at,
    };
    await trx
      .insertInto('alert_outcomes')
      .values({
        alert_id: alertId,
        outcome: JSON.stringify(outcome),
        decided_by: 'agent',
        state: 'PENDING',
      })
      .execute();
    await moveAlert(trx, DECIDED[alert.status as keyof typeof DECIDED], {
      alertId,
      actor: 'agent',
      reason: `agent decided ${request.outcome}, ${request.refundStatus}${request.comments ? `: ${request.comments.slice(0, 200)}` : ''}`,
    });
    return { status: 202, outcome };
  });
}

/** Why an alert in `status` cannot be decided by hand now, for the 409's detail. */
function notDecidable(status: string): string {
  switch (status) {
    case 'RECEIVED':
      return 'the alert is RECEIVED; the rules have not looked at it yet, try again shortly';
    case 'REFUND_REQUESTED':
    case 'ACTIONED':
      return `the alert is ${status}; a refund for it is with the PSP, decide after its answer is recorded`;
    default:
      return `the alert is ${status}; its final outcome is already decided`;
  }
}
