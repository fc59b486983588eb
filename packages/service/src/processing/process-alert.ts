import type { Kysely } from 'kysely';
import type { AlertStatus } from '../alerts/alert-status.js';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import { IllegalTransitionError } from '../lifecycle/index.js';
import { decide, type Decision, type DecisionPolicy } from './decision-rules.js';
import { recordMatches } from './match-recording.js';
import {
  loadLedgerTransaction,
  type LedgerMatch,
  type MatchableAlert,
  type MerchantLedger,
} from './merchant-ledger.js';
import { alertAmount, alertTypeOf } from './alert-decision-input.js';
import {
  RefundNotConfirmedError,
  type RefundGateway,
  type RefundResult,
} from './refund-gateway.js';
import {
  loadReservation,
  recordPendingRefund,
  releaseRefusedRefund,
  reserveRefund,
  type Reservation,
} from './refund-reservation.js';
import { recordRuleOutcomes, type RuleOutcomeInput } from '../outcomes/rule-outcome-recording.js';

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

/** What became of one alert of a batch: a result, or the error that has its job retried. */
export type ProcessSettlement = { result: ProcessResult } | { error: unknown };

/** Works one alert from where it stands; see `processAlerts`. Throws to have the job retried. */
export async function processAlert(
  deps: ProcessAlertDeps,
  alertId: string,
): Promise<ProcessResult> {
  const settlement = settlementFor(await processAlerts(deps, [alertId]), alertId);
  if ('error' in settlement) throw settlement.error;
  return settlement.result;
}

/** One alert's settlement from a batch's (processAlerts settles every id it is given). */
export function settlementFor(
  settled: ReadonlyMap<string, ProcessSettlement>,
  alertId: string,
): ProcessSettlement {
  return settled.get(alertId) ?? { error: new Error(`alert ${alertId} was not processed`) };
}

/**
 * Works a batch of alerts from where each stands: RECEIVED -> MATCHED | UNMATCHED ->
 * (REFUND_REQUESTED -> ACTIONED) -> OUTCOME_PENDING. Each stage commits on its own, so a crash
 * resumes every alert from its last committed status; money moves only through a reservation
 * (refund-reservation.ts), and the only external call, the refund, is idempotent on the alert id
 * and always asks for the reserved amount. The batch shares its round trips (one read, one ledger
 * lookup, one statement recording the matches, one recording the decisions) while each alert
 * settles on its own: a refund the PSP has not confirmed, or an alert another worker moved first,
 * fails that alert's job alone. A database error in a shared statement fails the alerts it was
 * for, which are retried.
 */
export async function processAlerts(
  deps: ProcessAlertDeps,
  alertIds: readonly string[],
): Promise<Map<string, ProcessSettlement>> {
  const now = deps.now ?? (() => new Date());
  const settled = new Map<string, ProcessSettlement>();
  const fail = (alertId: string, error: unknown) => settled.set(alertId, { error });
  const done = (alertId: string, result: ProcessResult) => settled.set(alertId, { result });
  const failAll = (alerts: readonly AlertRow[], error: unknown) => {
    for (const alert of alerts) fail(alert.alert_id, error);
  };

  let loaded: Map<string, AlertRow>;
  try {
    loaded = await loadAlerts(deps.db, alertIds);
  } catch (error) {
    for (const alertId of alertIds) fail(alertId, error);
    return settled;
  }
  const alerts: AlertRow[] = [];
  for (const alertId of new Set(alertIds)) {
    const alert = loaded.get(alertId);
    if (alert === undefined) fail(alertId, new Error(`alert ${alertId} has a job but no row`));
    else alerts.push(alert);
  }

  // Match the new ones together and record every verdict in one statement; an alert whose
  // verdict moved nothing was moved by another worker first, and its retry finds it there.
  const fresh = alerts.filter((alert) => alert.status === 'RECEIVED');
  let matching: FreshMatches = { moved: new Map(), matches: new Map() };
  if (fresh.length > 0) {
    try {
      matching = await matchFresh(deps, fresh);
    } catch (error) {
      failAll(fresh, error);
    }
  }
  const current = alerts.flatMap((alert) => {
    if (alert.status !== 'RECEIVED') return [alert];
    const moved = matching.moved.get(alert.alert_id);
    if (moved !== undefined) return [moved];
    if (!settled.has(alert.alert_id)) {
      fail(alert.alert_id, new IllegalTransitionError(alert.alert_id, 'unknown', 'MATCHED'));
    }
    return [];
  });

  // Decide each alert; reservations are taken one by one under their transaction's lock, and the
  // refunds go to the PSP concurrently.
  const decided = await Promise.all(
    current.map(async (alert) => {
      try {
        const step = await decideOne(deps, alert, matching.matches.get(alert.alert_id), now);
        if ('result' in step) done(alert.alert_id, step.result);
        return 'record' in step ? step.record : undefined;
      } catch (error) {
        fail(alert.alert_id, error);
        return undefined;
      }
    }),
  );
  const toRecord = decided.filter((input) => input !== undefined);
  if (toRecord.length === 0) return settled;
  try {
    const moved = await recordRuleOutcomes(deps.db, toRecord);
    for (const input of toRecord) {
      const alertId = input.alert.alert_id;
      if (moved.has(alertId)) done(alertId, 'outcome-recorded');
      else fail(alertId, new IllegalTransitionError(alertId, 'unknown', 'OUTCOME_PENDING'));
    }
  } catch (error) {
    failAll(
      toRecord.map((input) => input.alert),
      error,
    );
  }
  return settled;
}

interface FreshMatches {
  /** The alerts the statement moved, as they now are. */
  moved: Map<string, AlertRow>;
  /** The transaction each matched alert was matched to. */
  matches: Map<string, LedgerMatch>;
}

/** One ledger lookup for the RECEIVED alerts, and one statement recording every verdict. */
async function matchFresh(
  deps: ProcessAlertDeps,
  fresh: readonly AlertRow[],
): Promise<FreshMatches> {
  const found = await deps.ledger.findMatches(fresh.map((alert) => matchableOf(alert)));
  const verdicts = fresh.map((alert, index) => ({ alertId: alert.alert_id, match: found[index] }));
  const matches = new Map<string, LedgerMatch>();
  for (const { alertId, match } of verdicts) if (match !== undefined) matches.set(alertId, match);
  return { moved: await recordMatches(deps.db, verdicts), matches };
}

type Step = { result: ProcessResult } | { record: RuleOutcomeInput };

/**
 * One alert's decision: a result that needs no write (held, already processed, refund refused),
 * or the outcome to record. Throws to have the job retried: the PSP has not confirmed the refund,
 * or other alerts' refunds in flight hold what is left of the transaction.
 */
async function decideOne(
  deps: ProcessAlertDeps,
  alert: AlertRow,
  matchedNow: LedgerMatch | undefined,
  now: () => Date,
): Promise<Step> {
  const status = alert.status as AlertStatus;
  if (status === 'UNMATCHED') {
    if (now().getTime() - alert.received_at.getTime() < deps.unmatchedHoldMs)
      return { result: 'held-for-agent' };
    const decision = decide(
      { alertType: alertTypeOf(alert), alertAmount: alertAmount(alert), transaction: undefined },
      deps.policy,
    );
    return { record: { alert, from: 'UNMATCHED', decision, refund: undefined, at: now() } };
  }
  if (status === 'REFUND_REQUESTED') {
    // Resumed after a stop or a PENDING answer: the same amount, under the same key.
    const reservation = await loadReservation(deps.db, alert.alert_id);
    if (reservation === undefined) return { result: 'already-processed' };
    return askPsp(deps, alert, reservation, now);
  }
  if (status !== 'MATCHED') return { result: 'already-processed' };

  // The transaction matched a moment ago is as fresh as a second read of it; an alert resumed in
  // MATCHED (after a crash or a PSP retry) reads its transaction again. Decisions that move no
  // money are final on this read; one that would is taken again under the transaction's lock.
  const transaction =
    alert.matched_transaction_id === null
      ? undefined
      : matchedNow?.transaction.transactionId === alert.matched_transaction_id
        ? matchedNow.transaction
        : await loadLedgerTransaction(deps.db, alert.matched_transaction_id);
  const decision: Decision = decide(
    { alertType: alertTypeOf(alert), alertAmount: alertAmount(alert), transaction },
    deps.policy,
  );
  if (decision.action === 'none') {
    return { record: { alert, from: 'MATCHED', decision, refund: undefined, at: now() } };
  }
  const reserved = await reserveRefund(deps.db, alert, deps.policy);
  switch (reserved.kind) {
    case 'decided':
      return {
        record: {
          alert,
          from: 'MATCHED',
          decision: reserved.decision,
          refund: undefined,
          at: now(),
        },
      };
    case 'refused':
      return { result: 'refund-failed' };
    case 'needs-agent':
      return { result: 'held-for-agent' };
    case 'wait':
      throw new RefundNotConfirmedError(alert.alert_id, 'RESERVED_ELSEWHERE', reserved.detail);
    case 'reserved':
      return askPsp(deps, alert, reserved.reservation, now);
  }
}

/**
 * Asks the PSP for a reserved refund and settles what it can: a refusal releases the reservation,
 * a PENDING answer keeps it (the job retries with the same key), a final confirmation is recorded
 * with the outcome.
 */
async function askPsp(
  deps: ProcessAlertDeps,
  alert: AlertRow,
  reservation: Reservation,
  now: () => Date,
): Promise<Step> {
  const refund: RefundResult = await deps.refunds.refund({
    alertId: alert.alert_id,
    transactionId: reservation.transactionId,
    amount: reservation.amount,
  });
  // A PSP that voids an unsettled authorisation instead of refunding answers NOT_SETTLED; both
  // that and SUCCEEDED are final. PENDING is retried with the same idempotency key. FAILED is
  // final too: the PSP keeps it under that key, so retrying cannot help, and the alert waits in
  // MATCHED (visible in the deadline buckets) for an agent's decision.
  if (refund.status === 'FAILED') {
    await releaseRefusedRefund(deps.db, reservation, refund);
    return { result: 'refund-failed' };
  }
  if (refund.status === 'PENDING') {
    await recordPendingRefund(deps.db, reservation, refund);
    throw new RefundNotConfirmedError(
      alert.alert_id,
      refund.status,
      `PSP refund ${refund.refundId}`,
    );
  }
  if (
    refund.amount.minor !== reservation.amount.minor ||
    refund.amount.currencyCode !== reservation.amount.currencyCode
  ) {
    // The PSP moved another amount than the one reserved: recording it would break the ledger's
    // arithmetic, so the alert stays reserved and visible until someone looks.
    throw new RefundNotConfirmedError(
      alert.alert_id,
      'ERROR',
      `PSP refund ${refund.refundId} is for ${refund.amount.minor} ${refund.amount.currencyCode} minor units, ${reservation.amount.minor} were reserved`,
    );
  }
  return {
    record: {
      alert,
      from: 'REFUND_REQUESTED',
      decision: reservation.decision,
      refund: { reservation, result: refund },
      at: now(),
    },
  };
}

/** What the ledger needs to know about an alert to find its transaction. */
function matchableOf(alert: AlertRow): MatchableAlert {
  return {
    acquirerReferenceNumber: alert.acquirer_reference_number,
    cardBin: alert.card_bin,
    cardLast4: alert.card_last4,
    amount: alertAmount(alert),
    authCode: typeof alert.payload.authCode === 'string' ? alert.payload.authCode : null,
    transactionAt: alert.transaction_timestamp_utc,
    merchantDescriptor: alert.merchant_descriptor,
  };
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
    .where('alert_id', 'in', [...alertIds])
    .execute();
  return new Map(rows.map((row) => [row.alert_id, row]));
}
