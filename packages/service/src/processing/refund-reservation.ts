import { minorUnitsToDecimal, toMinorUnits, type MinorMoney } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import { alertAmount, alertTypeOf } from './alert-decision-input.js';
import { alertMove, moveAlert } from '../lifecycle/index.js';
import { decide, type Decision, type DecisionPolicy } from './decision-rules.js';
import { LEDGER_SELECT, toLedger, type LedgerTransaction } from './merchant-ledger.js';
import type { RefundResult } from './refund-gateway.js';

const RESERVED = alertMove('MATCHED', 'REFUND_REQUESTED');
const REFUSED = alertMove('REFUND_REQUESTED', 'MATCHED');

/**
 * Refunds are reserved before the PSP is asked, so one merchant transaction is never refunded
 * beyond its amount however many alerts, workers and retries reach it at once:
 *
 * 1. reserve: in one database transaction, lock the merchant transaction (`FOR UPDATE`), decide on
 *    its current figures, record the refund as REQUESTED with its amount (at most the amount not
 *    yet refunded or reserved), add it to `refund_reserved_value`, and move the alert MATCHED ->
 *    REFUND_REQUESTED. The table's CHECK refuses any write that would reserve past the amount.
 * 2. ask the PSP with the alert id as the idempotency key, for the reserved amount;
 * 3. settle: a confirmed refund moves from reserved to refunded (outcomes/rule-outcome-recording), a
 *    refused one is released and the alert returns to MATCHED for an agent (`releaseRefusedRefund`).
 *
 * A worker that stops anywhere between 1 and 3 finds the alert in REFUND_REQUESTED and resumes from
 * the recorded reservation (`loadReservation`): same amount, same key, same decision.
 */
export interface Reservation {
  alertId: string;
  transactionId: string;
  amount: MinorMoney;
  decision: Decision;
}

export type ReserveResult =
  /** Reserved: ask the PSP for `reservation.amount`. */
  | { kind: 'reserved'; reservation: Reservation }
  /** Under the lock the transaction's figures call for no money (e.g. refunded meanwhile). */
  | { kind: 'decided'; decision: Decision }
  /** What is left of the transaction is reserved by refunds still in flight for other alerts. */
  | { kind: 'wait'; detail: string }
  /** Refunded for this alert before and refused by the PSP: an agent decides. */
  | { kind: 'refused' }
  /** The alert is in another currency than its transaction: no automatic refund. */
  | { kind: 'needs-agent'; detail: string };

/** Reserves the refund a MATCHED alert's decision asks for; see the module comment. */
export async function reserveRefund(
  db: Kysely<Database>,
  alert: AlertRow,
  policy: DecisionPolicy,
): Promise<ReserveResult> {
  const transactionId = alert.matched_transaction_id;
  if (transactionId === null) throw new Error(`alert ${alert.alert_id} is MATCHED without a match`);
  return db.transaction().execute(async (trx) => {
    // One round trip locks the transaction and reads whether this alert was refunded before.
    const row = await sql<Parameters<typeof toLedger>[0] & { earlier_status: string | null }>`
      SELECT ${LEDGER_SELECT},
             (SELECT status FROM alert_refunds WHERE alert_id = ${alert.alert_id}) AS earlier_status
        FROM merchant_transactions
       WHERE transaction_id = ${transactionId}
         FOR UPDATE OF merchant_transactions
    `.execute(trx);
    const locked = row.rows[0];
    if (locked === undefined) throw new Error(`transaction ${transactionId} is gone`);
    if (locked.earlier_status === 'FAILED') return { kind: 'refused' };
    if (locked.earlier_status !== null) {
      throw new Error(`alert ${alert.alert_id} is MATCHED with a ${locked.earlier_status} refund`);
    }

    const transaction = toLedger(locked);
    const amount = alertAmount(alert);
    const decision = decide(
      { alertType: alertTypeOf(alert), alertAmount: amount, transaction },
      policy,
    );
    if (decision.action === 'none') return { kind: 'decided', decision };
    if (amount.currencyCode !== transaction.currencyCode) {
      return {
        kind: 'needs-agent',
        detail: `alert in ${amount.currencyCode}, transaction in ${transaction.currencyCode}`,
      };
    }
    const available = availableMinor(transaction);
    const reserve = Math.min(amount.minor, available);
    if (reserve <= 0) {
      return {
        kind: 'wait',
        detail: `${decimal(transaction.reservedMinor, transaction)} ${transaction.currencyCode} of transaction ${transactionId} is reserved by refunds in flight`,
      };
    }

    await moveAlert(trx, RESERVED, {
      alertId: alert.alert_id,
      actor: 'rule',
      reason: `rule ${decision.rule}: ${decision.action === 'void' ? 'void' : 'refund'} of ${decimal(reserve, transaction)} ${transaction.currencyCode} reserved on transaction ${transactionId}`,
      detail: { rule: decision.rule, amountMinor: reserve, currencyCode: transaction.currencyCode },
    });
    await sql`
      WITH reserved AS (
        INSERT INTO alert_refunds
               (alert_id, transaction_id, amount_value, amount_currency, status, decision)
        VALUES (${alert.alert_id}, ${transactionId}, ${decimal(reserve, transaction)}::numeric,
                ${transaction.currencyCode}, 'REQUESTED', ${JSON.stringify(decision)}::jsonb)
        RETURNING amount_value
      )
      UPDATE merchant_transactions
         SET refund_reserved_value = refund_reserved_value + (SELECT amount_value FROM reserved),
             updated_at = now()
       WHERE transaction_id = ${transactionId}
    `.execute(trx);
    return {
      kind: 'reserved',
      reservation: {
        alertId: alert.alert_id,
        transactionId,
        amount: { minor: reserve, currencyCode: transaction.currencyCode },
        decision,
      },
    };
  });
}

/** The reservation a REFUND_REQUESTED alert holds, to resume its refund after a stop. */
export async function loadReservation(
  db: Kysely<Database>,
  alertId: string,
): Promise<Reservation | undefined> {
  const row = await db
    .selectFrom('alert_refunds')
    .select(['transaction_id', 'amount_value', 'amount_currency', 'status', 'decision'])
    .where('alert_id', '=', alertId)
    .where('status', 'in', ['REQUESTED', 'PENDING'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    alertId,
    transactionId: row.transaction_id,
    amount: {
      minor: toMinorUnits(row.amount_value, row.amount_currency),
      currencyCode: row.amount_currency,
    },
    decision: row.decision as Decision,
  };
}

/** The PSP has accepted the refund but not finished it: it stays reserved, with the PSP's id. */
export async function recordPendingRefund(
  db: Kysely<Database>,
  reservation: Reservation,
  refund: RefundResult,
): Promise<void> {
  await db
    .updateTable('alert_refunds')
    .set({ status: 'PENDING', psp_refund_id: refund.refundId, updated_at: new Date() })
    .where('alert_id', '=', reservation.alertId)
    .where('status', 'in', ['REQUESTED', 'PENDING'])
    .execute();
}

/**
 * The PSP refused the refund for good: the reservation is released (the refund row keeps FAILED,
 * so a retry of this alert never asks again) and the alert returns to MATCHED for an agent. The
 * release does not depend on the alert's move, so it happens even if the alert moved meanwhile.
 */
export async function releaseRefusedRefund(
  db: Kysely<Database>,
  reservation: Reservation,
  refund: RefundResult,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      SELECT 1 FROM merchant_transactions WHERE transaction_id = ${reservation.transactionId}
         FOR UPDATE
    `.execute(trx);
    const released = await trx
      .updateTable('alert_refunds')
      .set({ status: 'FAILED', psp_refund_id: refund.refundId, updated_at: new Date() })
      .where('alert_id', '=', reservation.alertId)
      .where('status', 'in', ['REQUESTED', 'PENDING'])
      .returning(['amount_value'])
      .executeTakeFirst();
    if (released === undefined) return;
    await sql`
      UPDATE merchant_transactions
         SET refund_reserved_value = refund_reserved_value - ${released.amount_value}::numeric,
             updated_at = now()
       WHERE transaction_id = ${reservation.transactionId}
    `.execute(trx);
    const alert = await trx
      .selectFrom('alerts')
      .select('status')
      .where('alert_id', '=', reservation.alertId)
      .forUpdate()
      .executeTakeFirst();
    if (alert?.status !== 'REFUND_REQUESTED') return;
    await moveAlert(trx, REFUSED, {
      alertId: reservation.alertId,
      actor: 'rule',
      reason: `the PSP refused the refund (${refund.refundId}); the reservation is released and an agent decides`,
    });
  });
}

/** What can still be reserved: the amount less what is refunded and what is reserved. */
export function availableMinor(transaction: LedgerTransaction): number {
  return transaction.amountMinor - transaction.refundedMinor - transaction.reservedMinor;
}

function decimal(minor: number, transaction: LedgerTransaction): string {
  return minorUnitsToDecimal(minor, transaction.currencyCode);
}
