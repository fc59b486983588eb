import {
  amountWhenNothingMoved,
  manualOutcomeRequestSchema,
  minorToMoney,
  outcomesForAlertType,
  problemFieldErrors,
  type AlertOutcome,
  type ManualOutcomeResponse,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database-schema.js';
import { jsonBody } from '../platform/json-body.js';
import { sendProblem } from '../platform/problem-details.js';
import { alertAmount, alertTypeOf } from '../processing/alert-decision-input.js';
import { transition } from '../processing/alert-state-machine.js';
import type { Access } from '../access/require-role.js';

// An agent decides alerts the rules could not: unmatched ones, and matched ones whose refund the
// PSP refused. Anything further along already has its one final outcome, or has a refund that the
// PSP may be making at this moment: deciding it by hand could report NOT_REFUNDED for money that
// moved, so the agent waits for the PSP's answer.
const DECIDABLE = new Set(['UNMATCHED', 'MATCHED']);

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

/** `POST /api/v6/alerts/:alertId/outcome`: an agent's decision, queued for the Outcome API. */
export function manualOutcomeRouter(deps: {
  db: Kysely<Database>;
  /** The guard each route puts next to its path, with the role the route needs. */
  access: Access;
  now?: () => Date;
}): Router {
  const router = Router();
  router.post(
    '/api/v6/alerts/:alertId/outcome',
    deps.access('agent'),
    jsonBody({ limit: '16kb' }),
    async (req, res) => {
      const alertId = String(req.params.alertId);
      const parsed = manualOutcomeRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        sendProblem(
          res,
          400,
          'Invalid outcome',
          'the outcome was refused; nothing changed',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      const request = parsed.data;
      const at = (deps.now ?? (() => new Date()))()
        .toISOString()
        .replace(/\.\d{3}Z$/, '+00:00');

      const result = await deps.db.transaction().execute(async (trx) => {
        // The row lock serialises this decision with the worker and with a second agent.
        const alert = await trx
          .selectFrom('alerts')
          .select(['alert_id', 'alert_type', 'status', 'amount_value', 'amount_currency'])
          .where('alert_id', '=', alertId)
          .forUpdate()
          .executeTakeFirst();
        if (alert === undefined) return { status: 404 as const };
        const type = alertTypeOf(alert);
        if (!outcomesForAlertType(type).includes(request.outcome)) {
          return {
            status: 400 as const,
            detail: `${request.outcome} does not apply to a ${type} alert`,
          };
        }
        if (!DECIDABLE.has(alert.status)) {
          return { status: 409 as const, detail: notDecidable(alert.status) };
        }
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
        await transition(trx, {
          alertId,
          from: alert.status as 'UNMATCHED' | 'MATCHED',
          to: 'OUTCOME_PENDING',
          actor: 'agent',
          reason: `agent decided ${request.outcome}, ${request.refundStatus}${request.comments ? `: ${request.comments.slice(0, 200)}` : ''}`,
        });
        return { status: 202 as const, outcome };
      });

      if (result.status === 404) {
        sendProblem(
          res,
          404,
          'Not found',
          `no alert with id ${JSON.stringify(alertId.slice(0, 64))}`,
        );
      } else if (result.status === 400) {
        sendProblem(res, 400, 'Invalid outcome', result.detail, [
          { field: 'outcome', message: result.detail },
        ]);
      } else if (result.status === 409) {
        sendProblem(res, 409, 'Conflict', result.detail);
      } else {
        const body: ManualOutcomeResponse = {
          alertId,
          status: 'OUTCOME_PENDING',
          outcome: result.outcome.outcome,
        };
        res.status(202).json(body);
      }
    },
  );
  return router;
}
