import { sql, type Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { jsonRows } from '../platform/json-rows.js';
import {
  canTransition,
  IllegalTransitionError,
  illegalTransitionFrom,
} from './alert-state-machine.js';
import { minorUnitsToDecimal } from '@mastercom/contracts';
import { alertAmount } from './alert-decision-input.js';
import type { Decision } from './decision-rules.js';
import { buildOutcome } from './outcome-builder.js';
import type { RefundResult } from './refund-gateway.js';
import type { Reservation } from './refund-reservation.js';

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
  const steps = prepared.flatMap((rows) => rows.steps);
  const at = new Date(Math.max(...inputs.map((input) => input.at.getTime())));
  const transactions = [
    ...new Set(inputs.flatMap((input) => input.refund?.reservation.transactionId ?? [])),
  ].sort();
  if (transactions.length === 0) return recordStatement(db, decided, steps, at);
  return db.transaction().execute(async (trx) => {
    await sql`
      SELECT 1 FROM merchant_transactions WHERE transaction_id = ANY(${transactions})
       ORDER BY transaction_id FOR UPDATE
    `.execute(trx);
    return recordStatement(trx, decided, steps, at);
  });
}

async function recordStatement(
  db: Kysely<Database>,
  decided: readonly ReturnType<typeof prepare>['decided'][],
  steps: readonly ReturnType<typeof prepare>['steps'][number][],
  at: Date,
): Promise<Set<string>> {
  const result = await sql<{ alert_id: string }>`
    WITH decided AS (
      SELECT * FROM ${jsonRows(decided)} AS d (
        alert_id text, from_status text, outcome jsonb, refund_status text, psp_refund_id text)
    ),
    step AS (
      SELECT * FROM ${jsonRows(steps)} AS s (
        alert_id text, ord int, from_status text, to_status text, reason text)
    ),
    moved AS (
      UPDATE alerts SET status = 'OUTCOME_PENDING', updated_at = ${at}
        FROM decided
       WHERE alerts.alert_id = decided.alert_id AND alerts.status = decided.from_status
      RETURNING alerts.alert_id
    ),
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
    event AS (
      INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason)
      SELECT step.alert_id, step.from_status, step.to_status, 'rule', step.reason
        FROM step JOIN moved ON moved.alert_id = step.alert_id
       ORDER BY step.alert_id, step.ord
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

interface TrailStep {
  from_status: AlertStatus;
  to_status: AlertStatus;
  reason: string;
}

/**
 * One alert's rows for the statement: its decision (with the Outcome API item) and its trail
 * steps, each step checked against the state machine's allowed moves.
 */
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
  const steps: TrailStep[] =
    refund === undefined
      ? [{ from_status: input.from, to_status: 'OUTCOME_PENDING', reason: decidedReason }]
      : [
          {
            from_status: input.from,
            to_status: 'ACTIONED',
            reason: `${decision.action === 'void' ? 'voided' : 'refunded'} ${minorUnitsToDecimal(refund.result.amount.minor, refund.result.amount.currencyCode)} ${refund.result.amount.currencyCode} through the PSP (${refund.result.status}, ${refund.result.refundId})`,
          },
          { from_status: 'ACTIONED', to_status: 'OUTCOME_PENDING', reason: decidedReason },
        ];
  for (const step of steps) {
    if (!canTransition(step.from_status, step.to_status))
      throw new IllegalTransitionError(alert.alert_id, step.from_status, step.to_status);
  }
  return {
    decided: {
      alert_id: alert.alert_id,
      from_status: input.from,
      outcome,
      refund_status: refund?.result.status ?? null,
      psp_refund_id: refund?.result.refundId ?? null,
    },
    steps: steps.map((step, ord) => ({ alert_id: alert.alert_id, ord, ...step })),
  };
}
