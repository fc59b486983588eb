import { minorUnits } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { transition } from './alert-state-machine.js';
import { decide, type Decision, type DecisionPolicy } from './decision-rules.js';
import { loadLedgerTransaction, type LedgerMatch, type MerchantLedger } from './merchant-ledger.js';
import { buildOutcome } from './outcome-builder.js';
import {
  RefundNotConfirmedError,
  type RefundGateway,
  type RefundResult,
} from './refund-gateway.js';

export interface ProcessAlertDeps {
  db: Kysely<Database>;
  ledger: MerchantLedger;
  refunds: RefundGateway;
  policy: DecisionPolicy;
  /** Unmatched alerts wait this long for an agent before the rules answer NOT_FOUND. */
  unmatchedHoldMs: number;
  now?: () => Date;
}

export type ProcessResult =
  | 'outcome-recorded'
  | 'held-for-agent'
  | 'already-processed'
  /** The PSP refused the refund for good; the alert stays MATCHED for an agent to decide. */
  | 'refund-failed';

/**
 * Works one alert from where it stands: RECEIVED -> MATCHED | UNMATCHED -> (ACTIONED) ->
 * OUTCOME_PENDING. Each step commits on its own, so a crash resumes from the last committed
 * status; the only external call, the refund, is idempotent on the alert id. Throws to have the
 * job retried (refund not confirmed, database trouble).
 */
export async function processAlert(
  deps: ProcessAlertDeps,
  alertId: string,
): Promise<ProcessResult> {
  const now = deps.now ?? (() => new Date());
  let alert = await loadAlert(deps.db, alertId);
  if (alert === undefined) throw new Error(`alert ${alertId} has a job but no row`);

  if (alert.status === 'RECEIVED') {
    const match = await deps.ledger.findMatch({
      acquirerReferenceNumber: alert.acquirer_reference_number,
      cardBin: alert.card_bin,
      cardLast4: alert.card_last4,
      amount: { value: Number(alert.amount_value), currencyCode: alert.amount_currency },
      authCode: typeof alert.payload.authCode === 'string' ? alert.payload.authCode : null,
      transactionAt: alert.transaction_timestamp_utc,
      merchantDescriptor: alert.merchant_descriptor,
    });
    alert = await recordMatch(deps.db, alert, match);
  }

  const status = alert.status as AlertStatus;
  if (status === 'UNMATCHED') {
    if (now().getTime() - alert.received_at.getTime() < deps.unmatchedHoldMs)
      return 'held-for-agent';
    const decision = decide(
      { alertType: alertTypeOf(alert), alertAmount: amountOf(alert), transaction: undefined },
      deps.policy,
    );
    await recordOutcome(deps.db, alert, 'UNMATCHED', decision, undefined, now());
    return 'outcome-recorded';
  }
  if (status !== 'MATCHED') return 'already-processed';

  const transaction =
    alert.matched_transaction_id === null
      ? undefined
      : await loadLedgerTransaction(deps.db, alert.matched_transaction_id);
  const decision = decide(
    { alertType: alertTypeOf(alert), alertAmount: amountOf(alert), transaction },
    deps.policy,
  );
  if (decision.action === 'none') {
    await recordOutcome(deps.db, alert, 'MATCHED', decision, undefined, now());
    return 'outcome-recorded';
  }
  if (transaction === undefined)
    throw new Error(`alert ${alertId} decided ${decision.rule} without a transaction`);
  const refund = await deps.refunds.refund({
    alertId,
    transactionId: transaction.transactionId,
    amount: {
      value: refundableValue(
        amountOf(alert).value,
        transaction.amountValue - transaction.refundedValue,
        transaction.currencyCode,
      ),
      currencyCode: transaction.currencyCode,
    },
  });
  // A PSP that voids an unsettled authorisation instead of refunding answers NOT_SETTLED; both
  // that and SUCCEEDED are final. PENDING is retried with the same idempotency key. FAILED is
  // final too: the PSP keeps it under that key, so retrying cannot help, and the alert waits in
  // MATCHED (visible in the deadline buckets) for an agent's decision.
  if (refund.status === 'FAILED') return 'refund-failed';
  if (refund.status === 'PENDING') {
    throw new RefundNotConfirmedError(alertId, refund.status, `PSP refund ${refund.refundId}`);
  }
  await recordActionAndOutcome(deps.db, alert, decision, refund, now());
  return 'outcome-recorded';
}

/** One statement: the move to MATCHED or UNMATCHED, the matched transaction and the event. */
async function recordMatch(
  db: Kysely<Database>,
  alert: AlertRow,
  match: LedgerMatch | undefined,
): Promise<AlertRow> {
  return transition(db, {
    alertId: alert.alert_id,
    from: 'RECEIVED',
    to: match ? 'MATCHED' : 'UNMATCHED',
    actor: 'rule',
    reason: match
      ? `matched transaction ${match.transaction.transactionId} by ${match.method}`
      : 'no merchant transaction matched',
    ...(match
      ? {
          detail: { transactionId: match.transaction.transactionId, method: match.method },
          set: {
            matched_transaction_id: match.transaction.transactionId,
            match_method: match.method,
          },
        }
      : {}),
  });
}

async function recordActionAndOutcome(
  db: Kysely<Database>,
  alert: AlertRow,
  decision: Decision,
  refund: RefundResult,
  at: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // One statement: the refund row, and the transaction's refunded amount raised only when that
    // row is new, so the ledger counts each refund once.
    const recordRefund = trx.with('recorded', (cte) =>
      cte
        .insertInto('alert_refunds')
        .values({
          alert_id: alert.alert_id,
          transaction_id: alert.matched_transaction_id ?? '',
          amount_value: refund.amount.value,
          amount_currency: refund.amount.currencyCode,
          status: refund.status,
          psp_refund_id: refund.refundId,
        })
        .onConflict((conflict) => conflict.column('alert_id').doNothing())
        .returning('alert_id'),
    );
    if (refund.status === 'SUCCEEDED' && alert.matched_transaction_id !== null) {
      await recordRefund
        .updateTable('merchant_transactions')
        .set({
          refunded_value: sql<string>`refunded_value + ${refund.amount.value}`,
          updated_at: at,
        })
        .where('transaction_id', '=', alert.matched_transaction_id)
        .where(sql<boolean>`EXISTS (SELECT 1 FROM recorded)`)
        .execute();
    } else {
      await recordRefund.selectFrom('recorded').select('alert_id').execute();
    }
    await transition(trx, {
      alertId: alert.alert_id,
      from: 'MATCHED',
      to: 'ACTIONED',
      actor: 'rule',
      reason: `${decision.action === 'void' ? 'voided' : 'refunded'} through the PSP (${refund.status}, ${refund.refundId})`,
    });
    await insertOutcome(trx, alert, 'ACTIONED', decision, refund, at);
  });
}

async function recordOutcome(
  db: Kysely<Database>,
  alert: AlertRow,
  from: 'MATCHED' | 'UNMATCHED',
  decision: Decision,
  refund: RefundResult | undefined,
  at: Date,
): Promise<void> {
  await db.transaction().execute((trx) => insertOutcome(trx, alert, from, decision, refund, at));
}

async function insertOutcome(
  trx: Kysely<Database>,
  alert: AlertRow,
  from: 'MATCHED' | 'UNMATCHED' | 'ACTIONED',
  decision: Decision,
  refund: RefundResult | undefined,
  at: Date,
): Promise<void> {
  const outcome = buildOutcome({
    alertId: alert.alert_id,
    amount: amountOf(alert),
    decision,
    refund,
    now: at,
  });
  // The conditional move comes first: a second worker that reached this point for the same alert
  // stops here with IllegalTransitionError (and waits on the first one's row lock until then),
  // rather than with a duplicate-key error on the outcome row.
  await transition(trx, {
    alertId: alert.alert_id,
    from,
    to: 'OUTCOME_PENDING',
    actor: 'rule',
    reason: `rule ${decision.rule}: ${decision.outcome}, ${outcome.refundStatus}`,
  });
  await trx
    .insertInto('alert_outcomes')
    .values({
      alert_id: alert.alert_id,
      outcome: JSON.stringify(outcome),
      decided_by: 'rule',
      state: 'PENDING',
    })
    .execute();
}

async function loadAlert(db: Kysely<Database>, alertId: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
}

/**
 * The alert's amount, capped at what is left to refund. The subtraction is done in binary floating
 * point (149.99 - 50.01 is 99.98000000000002), and the PSP refuses an amount with more decimals
 * than its currency has, so the result is rounded to the currency's minor units.
 */
function refundableValue(alertValue: number, remaining: number, currencyCode: string): number {
  const exponent = minorUnits(currencyCode) ?? 2;
  return Number(Math.min(alertValue, remaining).toFixed(exponent));
}

function amountOf(alert: AlertRow): { value: number; currencyCode: string } {
  return { value: Number(alert.amount_value), currencyCode: alert.amount_currency };
}

function alertTypeOf(alert: AlertRow): 'CONFIRMEDFRAUD' | 'CUSTOMERDISPUTE' {
  return alert.alert_type === 'CONFIRMEDFRAUD' ? 'CONFIRMEDFRAUD' : 'CUSTOMERDISPUTE';
}
