import { sql, type Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { canTransition, IllegalTransitionError } from './alert-state-machine.js';
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
 * Records a rule's decision in one statement, the worker's last write for an alert: the refund row
 * and the ledger's refunded amount (when money moved), the move to OUTCOME_PENDING with one trail
 * event per step (MATCHED -> ACTIONED -> OUTCOME_PENDING when refunded or voided), and the outcome
 * row the dispatcher sends. One statement is one round trip and atomic on its own, where the same
 * writes as a transaction took up to six.
 *
 * Every write hangs off the conditional move of the alert, which comes first and takes the row
 * lock: a second worker that reaches this point for the same alert waits for the first, then finds
 * the status gone, writes nothing (no second refund row, no second ledger raise, no second
 * outcome) and gets IllegalTransitionError.
 */
export async function recordRuleOutcome(
  db: Kysely<Database>,
  input: RuleOutcomeInput,
): Promise<void> {
  const { alert, decision, refund, at } = input;
  const steps = trailSteps(input);
  const outcome = buildOutcome({
    alertId: alert.alert_id,
    amount: { value: Number(alert.amount_value), currencyCode: alert.amount_currency },
    decision,
    refund,
    now: at,
  });
  const finalReason = `rule ${decision.rule}: ${decision.outcome}, ${outcome.refundStatus}`;
  const reasons = steps.map((step) =>
    step.to === 'ACTIONED'
      ? `${decision.action === 'void' ? 'voided' : 'refunded'} through the PSP (${refund?.status ?? ''}, ${refund?.refundId ?? ''})`
      : finalReason,
  );

  // The ledger is raised only for a refund row this statement created, so each refund counts once.
  const refundWrites =
    refund === undefined
      ? sql``
      : sql`,
      recorded AS (
        INSERT INTO alert_refunds
               (alert_id, transaction_id, amount_value, amount_currency, status, psp_refund_id)
        SELECT alert_id, ${alert.matched_transaction_id ?? ''}, ${refund.amount.value},
               ${refund.amount.currencyCode}, ${refund.status}, ${refund.refundId}
          FROM moved
        ON CONFLICT (alert_id) DO NOTHING
        RETURNING alert_id
      ),
      ledger AS (
        UPDATE merchant_transactions
           SET refunded_value = refunded_value + ${refund.amount.value}, updated_at = ${at}
         WHERE transaction_id = ${alert.matched_transaction_id ?? ''}
           AND ${refund.status === 'SUCCEEDED'}
           AND EXISTS (SELECT 1 FROM recorded)
      )`;
  const events = sql.join(
    steps.map(
      (step, index) =>
        sql`(${index}::int, ${step.from}, ${step.to}, ${reasons[index] ?? finalReason})`,
    ),
  );

  const result = await sql<{ alert_id: string }>`
    WITH moved AS (
      UPDATE alerts SET status = 'OUTCOME_PENDING', updated_at = ${at}
       WHERE alert_id = ${alert.alert_id} AND status = ${input.from}
      RETURNING alert_id
    )${refundWrites},
    events AS (
      INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason)
      SELECT moved.alert_id, step.from_status, step.to_status, 'rule', step.reason
        FROM moved CROSS JOIN (VALUES ${events}) AS step (ord, from_status, to_status, reason)
       ORDER BY step.ord
    ),
    outcome AS (
      INSERT INTO alert_outcomes (alert_id, outcome, decided_by, state)
      SELECT alert_id, ${JSON.stringify(outcome)}::jsonb, 'rule', 'PENDING' FROM moved
    )
    SELECT alert_id FROM moved
  `.execute(db);

  if (result.rows.length === 0) {
    const current = await db
      .selectFrom('alerts')
      .select('status')
      .where('alert_id', '=', alert.alert_id)
      .executeTakeFirst();
    throw new IllegalTransitionError(
      alert.alert_id,
      (current?.status as AlertStatus | undefined) ?? 'unknown',
      'OUTCOME_PENDING',
    );
  }
}

interface TrailStep {
  from: AlertStatus;
  to: AlertStatus;
}

/** The moves the statement makes, each checked against the state machine's allowed moves. */
function trailSteps(input: RuleOutcomeInput): TrailStep[] {
  const steps: TrailStep[] =
    input.refund === undefined
      ? [{ from: input.from, to: 'OUTCOME_PENDING' }]
      : [
          { from: input.from, to: 'ACTIONED' },
          { from: 'ACTIONED', to: 'OUTCOME_PENDING' },
        ];
  for (const step of steps) {
    if (!canTransition(step.from, step.to))
      throw new IllegalTransitionError(input.alert.alert_id, step.from, step.to);
  }
  return steps;
}
