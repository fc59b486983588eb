import { minorUnits } from '@mastercom/contracts';
import type { Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database-schema.js';
import { transition } from './alert-state-machine.js';
import { decide, type DecisionPolicy } from './decision-rules.js';
import { loadLedgerTransaction, type LedgerMatch, type MerchantLedger } from './merchant-ledger.js';
import { RefundNotConfirmedError, type RefundGateway } from './refund-gateway.js';
import { recordRuleOutcome } from './rule-outcome-recording.js';

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
  /** The alert's row when the caller read it with others of its batch; read here otherwise. */
  loaded?: AlertRow,
): Promise<ProcessResult> {
  const now = deps.now ?? (() => new Date());
  let alert = loaded ?? (await loadAlerts(deps.db, [alertId])).get(alertId);
  if (alert === undefined) throw new Error(`alert ${alertId} has a job but no row`);

  let matchedNow: LedgerMatch | undefined;
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
    matchedNow = match;
  }

  const status = alert.status as AlertStatus;
  if (status === 'UNMATCHED') {
    if (now().getTime() - alert.received_at.getTime() < deps.unmatchedHoldMs)
      return 'held-for-agent';
    const decision = decide(
      { alertType: alertTypeOf(alert), alertAmount: amountOf(alert), transaction: undefined },
      deps.policy,
    );
    await recordRuleOutcome(deps.db, {
      alert,
      from: 'UNMATCHED',
      decision,
      refund: undefined,
      at: now(),
    });
    return 'outcome-recorded';
  }
  if (status !== 'MATCHED') return 'already-processed';

  // The transaction matched a moment ago is as fresh as a second read of it; an alert resumed in
  // MATCHED (after a crash or a PSP retry) reads its transaction again.
  const transaction =
    alert.matched_transaction_id === null
      ? undefined
      : matchedNow?.transaction.transactionId === alert.matched_transaction_id
        ? matchedNow.transaction
        : await loadLedgerTransaction(deps.db, alert.matched_transaction_id);
  const decision = decide(
    { alertType: alertTypeOf(alert), alertAmount: amountOf(alert), transaction },
    deps.policy,
  );
  if (decision.action === 'none') {
    await recordRuleOutcome(deps.db, {
      alert,
      from: 'MATCHED',
      decision,
      refund: undefined,
      at: now(),
    });
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
  await recordRuleOutcome(deps.db, { alert, from: 'MATCHED', decision, refund, at: now() });
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

/** The rows of several alerts in one query, by id (ids without a row are absent). */
export async function loadAlerts(
  db: Kysely<Database>,
  alertIds: readonly string[],
): Promise<Map<string, AlertRow>> {
  if (alertIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('alert_id', 'in', alertIds)
    .execute();
  return new Map(rows.map((row) => [row.alert_id, row]));
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
