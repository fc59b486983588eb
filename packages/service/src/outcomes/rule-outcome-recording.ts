import { sql, type Kysely } from 'kysely';
import { minorUnitsToDecimal } from '@mastercom/contracts';
import {
  alertMove,
  alertMovesCtes,
  IllegalTransitionError,
  illegalTransitionFrom,
  type AlertPath,
  type AlertStep,
} from '../lifecycle/index.js';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import { jsonRows } from '../platform/database/json-rows.js';
import { alertAmount } from '../processing/alert-decision-input.js';
import type { Decision } from '../processing/decision-rules.js';
import type { RefundResult } from '../processing/refund-gateway.js';
import type { Reservation } from '../processing/refund-reservation.js';
import { buildOutcome } from './outcome-builder.js';

// The rule's decision reaches OUTCOME_PENDING straight from where the matcher left the alert, or
// through ACTIONED when the PSP refunded or voided it.
const DECIDED = {
  MATCHED: alertMove('MATCHED', 'OUTCOME_PENDING'),
  UNMATCHED: alertMove('UNMATCHED', 'OUTCOME_PENDING'),
} as const;
const ACTIONED = alertMove('REFUND_REQUESTED', 'ACTIONED');
const DECIDED_AFTER_ACTION = alertMove('ACTIONED', 'OUTCOME_PENDING');

export interface RuleOutcomeInput {
  alert: AlertRow;
  /** REFUND_REQUESTED when the decision moved money (the alert then passes ACTIONED). */
  from: 'MATCHED' | 'UNMATCHED' | 'REFUND_REQUESTED';
  decision: Decision;
  /** The reservation and the PSP's final answer (SUCCEEDED or NOT_SETTLED) when money moved. */
  refund: { reservation: Reservation; result: RefundResult } | undefined;
  at: Date;
}

/**
 * Records a rule's decision for one alert; throws IllegalTransitionError when the alert is no
 * longer where the decision found it (another worker recorded it first), having written nothing.
 */
export async function recordRuleOutcome(
  db: Kysely<Database>,
  input: RuleOutcomeInput,
): Promise<void> {
  const moved = await recordRuleOutcomes(db, [input]);
  if (!moved.has(input.alert.alert_id)) {
    throw await illegalTransitionFrom(db, input.alert.alert_id, 'OUTCOME_PENDING');
  }
}

/**
 * Records the rules' decisions for a batch of alerts in one statement, the worker's last write for
 * each: the settled refunds and the ledger (when money moved), the moves to OUTCOME_PENDING with
 * one trail event per step (REFUND_REQUESTED -> ACTIONED -> OUTCOME_PENDING when refunded or
 * voided), and the outcome rows the dispatcher sends. Returns the ids of the alerts it moved.
 *
 * A refund the PSP confirmed is settled whatever became of its alert: the refund row leaves its
 * reservation (REQUESTED or PENDING) for the PSP's answer, and the transaction's reserved amount
 * moves to `refunded_value` (a SUCCEEDED refund) or is released (NOT_SETTLED: a void moves no
 * money). Both hang off the refund row's own conditional update, so a second worker settling the
 * same refund changes nothing. Everything else hangs off the conditional move of its alert, which
 * takes the row lock: a second worker finds the status gone and writes nothing for it (no second
 * outcome); that alert is missing from the result. The merchant transactions are locked first, in
 * one order, so two workers settling refunds of the same transactions cannot deadlock.
 */
export async function recordRuleOutcomes(
  db: Kysely<Database>,
  inputs: readonly RuleOutcomeInput[],
): Promise<Set<string>> {
  if (inputs.length === 0) return new Set();
  const prepared = inputs.map((input) => prepare(input));
  const decided = prepared.map((rows) => rows.decided);
  const paths = prepared.map((rows) => rows.path);
  const at = new Date(Math.max(...inputs.map((input) => input.at.getTime())));
  const transactions = [
    ...new Set(inputs.flatMap((input) => input.refund?.reservation.transactionId ?? [])),
  ].sort();
  if (transactions.length === 0) return recordStatement(db, decided, paths, at);
  return db.transaction().execute(async (trx) => {
    await sql`
      SELECT 1 FROM merchant_transactions WHERE transaction_id = ANY(${transactions})
       ORDER BY transaction_id FOR UPDATE
    `.execute(trx);
    return recordStatement(trx, decided, paths, at);
  });
}

async function recordStatement(
  db: Kysely<Database>,
  decided: readonly ReturnType<typeof prepare>['decided'][],
  paths: readonly AlertPath[],
  at: Date,
): Promise<Set<string>> {
  const result = await sql<{ alert_id: string }>`
    WITH decided AS (
      SELECT * FROM ${jsonRows(decided)} AS d (
        alert_id text, outcome jsonb, refund_status text, psp_refund_id text)
    ),
    ${alertMovesCtes({ actor: 'rule', paths, at })},
    settled AS (
      UPDATE alert_refunds
         SET status = decided.refund_status, psp_refund_id = decided.psp_refund_id,
             updated_at = ${at}
        FROM decided
       WHERE alert_refunds.alert_id = decided.alert_id
         AND decided.refund_status IS NOT NULL
         AND alert_refunds.status IN ('REQUESTED', 'PENDING')
      RETURNING alert_refunds.transaction_id, alert_refunds.amount_value, alert_refunds.status
    ),
    ledger AS (
      UPDATE merchant_transactions
         SET refund_reserved_value = refund_reserved_value - totals.reserved,
             refunded_value = refunded_value + totals.refunded,
             updated_at = ${at}
        FROM (SELECT transaction_id, sum(amount_value) AS reserved,
                     coalesce(sum(amount_value) FILTER (WHERE status = 'SUCCEEDED'), 0) AS refunded
                FROM settled GROUP BY transaction_id) AS totals
       WHERE merchant_transactions.transaction_id = totals.transaction_id
    ),
    outcome AS (
      INSERT INTO alert_outcomes (alert_id, outcome, decided_by, state)
      SELECT decided.alert_id, decided.outcome, 'rule', 'PENDING'
        FROM decided JOIN moved ON moved.alert_id = decided.alert_id
    )
    SELECT alert_id FROM moved
  `.execute(db);
  return new Set(result.rows.map((row) => row.alert_id));
}

/** One alert's rows for the statement: its decision (with the Outcome API item) and its path. */
function prepare(input: RuleOutcomeInput) {
  const { alert, decision, refund, at } = input;
  const outcome = buildOutcome({
    alertId: alert.alert_id,
    amount: alertAmount(alert),
    decision,
    refund: refund?.result,
    now: at,
  });
  const decidedReason = `rule ${decision.rule}: ${decision.outcome}, ${outcome.refundStatus}`;
  // Money moved exactly when the alert waits in REFUND_REQUESTED; anything else is a caller's bug.
  if ((input.from === 'REFUND_REQUESTED') !== (refund !== undefined))
    throw new IllegalTransitionError(
      alert.alert_id,
      input.from,
      refund ? 'ACTIONED' : 'OUTCOME_PENDING',
    );
  const steps: [AlertStep, ...AlertStep[]] =
    input.from === 'REFUND_REQUESTED' && refund !== undefined
      ? [
          { move: ACTIONED, reason: actionedReason(decision, refund.result) },
          { move: DECIDED_AFTER_ACTION, reason: decidedReason },
        ]
      : [{ move: DECIDED[input.from as keyof typeof DECIDED], reason: decidedReason }];
  return {
    decided: {
      alert_id: alert.alert_id,
      outcome,
      refund_status: refund?.result.status ?? null,
      psp_refund_id: refund?.result.refundId ?? null,
    },
    path: { alertId: alert.alert_id, steps } satisfies AlertPath,
  };
}

function actionedReason(decision: Decision, result: RefundResult): string {
  const { amount, status, refundId } = result;
  return `${decision.action === 'void' ? 'voided' : 'refunded'} ${minorUnitsToDecimal(amount.minor, amount.currencyCode)} ${amount.currencyCode} through the PSP (${status}, ${refundId})`;
}
