import { sql, type Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { jsonRows } from '../platform/json-rows.js';
import {
  canTransition,
  IllegalTransitionError,
  illegalTransitionFrom,
} from './alert-state-machine.js';
import type { Decision } from './decision-rules.js';
import { buildOutcome } from './outcome-builder.js';
import type { RefundResult } from './refund-gateway.js';

export interface RuleOutcomeInput {
  alert: AlertRow;
  from: 'MATCHED' | 'UNMATCHED';
  decision: Decision;
  /** The PSP's final answer when the decision moved money; the alert then passes ACTIONED. */
  refund: RefundResult | undefined;
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
 * each: the refund rows and the ledger's refunded amounts (when money moved), the moves to
 * OUTCOME_PENDING with one trail event per step (MATCHED -> ACTIONED -> OUTCOME_PENDING when
 * refunded or voided), and the outcome rows the dispatcher sends. Returns the ids of the alerts it
 * moved. One statement is one round trip and atomic on its own, where the same writes for one
 * alert as a transaction took up to six.
 *
 * Every write hangs off the conditional move of its alert, which comes first and takes the row
 * lock: a second worker that reaches this point for the same alert waits for the first, then finds
 * the status gone and writes nothing for it (no second refund row, no second ledger raise, no
 * second outcome); that alert is missing from the result. The ledger is raised by the sum of the
 * refund rows this statement created per transaction, so two alerts about one transaction in a
 * batch both count, and each refund counts once.
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
  const result = await sql<{ alert_id: string }>`
    WITH decided AS (
      SELECT * FROM ${jsonRows(decided)} AS d (
        alert_id text, from_status text, outcome jsonb, transaction_id text, refund_value numeric,
        refund_currency text, refund_status text, psp_refund_id text)
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
    recorded AS (
      INSERT INTO alert_refunds
             (alert_id, transaction_id, amount_value, amount_currency, status, psp_refund_id)
      SELECT decided.alert_id, decided.transaction_id, decided.refund_value,
             decided.refund_currency, decided.refund_status, decided.psp_refund_id
        FROM decided JOIN moved ON moved.alert_id = decided.alert_id
       WHERE decided.refund_status IS NOT NULL
      ON CONFLICT (alert_id) DO NOTHING
      RETURNING transaction_id, amount_value, status
    ),
    ledger AS (
      UPDATE merchant_transactions
         SET refunded_value = refunded_value + refunded.total, updated_at = ${at}
        FROM (SELECT transaction_id, sum(amount_value) AS total
                FROM recorded WHERE status = 'SUCCEEDED' GROUP BY transaction_id) AS refunded
       WHERE merchant_transactions.transaction_id = refunded.transaction_id
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
    amount: { value: Number(alert.amount_value), currencyCode: alert.amount_currency },
    decision,
    refund,
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
            reason: `${decision.action === 'void' ? 'voided' : 'refunded'} through the PSP (${refund.status}, ${refund.refundId})`,
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
      transaction_id: refund === undefined ? null : (alert.matched_transaction_id ?? ''),
      refund_value: refund?.amount.value ?? null,
      refund_currency: refund?.amount.currencyCode ?? null,
      refund_status: refund?.status ?? null,
      psp_refund_id: refund?.refundId ?? null,
    },
    steps: steps.map((step, ord) => ({ alert_id: alert.alert_id, ord, ...step })),
  };
}
