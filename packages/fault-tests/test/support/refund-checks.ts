import { IDEMPOTENCY_KEY_HEADER, toMinorUnits, type PspRefund } from '@mastercom/contracts';
import type { MockPsp } from '@mastercom/testkit';
import type { AlertGroup } from './shared-transactions.js';

/** An `alert_refunds` row as the checks read it. */
export interface RefundRow {
  alert_id: string;
  transaction_id: string;
  amount_value: string;
  amount_currency: string;
  status: string;
  psp_refund_id: string | null;
}

/** A transaction whose confirmed refunds at the PSP exceed what was left of it at the import. */
export interface OverRefund {
  transactionId: string;
  currencyCode: string;
  /** The amount less what the import said was refunded, in minor units. */
  leftMinor: number;
  /** The PSP's SUCCEEDED refunds of it, in minor units, each with the alert it was asked for. */
  refundedMinor: number;
  refunds: { refundId: string; alertId: string | undefined; minor: number }[];
}

const minorOf = (refund: PspRefund) =>
  toMinorUnits(refund.amount.value, refund.amount.currencyCode);

/** The PSP's refunds by the alert (the idempotency key) each was created for. */
export function pspRefundsByAlert(
  groups: readonly AlertGroup[],
  psp: MockPsp,
): Map<string, PspRefund> {
  const byAlert = new Map<string, PspRefund>();
  for (const alert of groups.flatMap((group) => group.alerts)) {
    const refund = psp.refundFor(alert.alertId);
    if (refund !== undefined) byAlert.set(alert.alertId, refund);
  }
  return byAlert;
}

/**
 * Invariant 1, from the PSP's own ledger: for every transaction, the refunds the PSP confirmed sum
 * to at most its amount less what the import said was already refunded (integer minor units).
 */
export function overRefunds(groups: readonly AlertGroup[], psp: MockPsp): OverRefund[] {
  const alertOf = new Map(
    [...pspRefundsByAlert(groups, psp)].map(([alertId, refund]) => [refund.refundId, alertId]),
  );
  const found: OverRefund[] = [];
  for (const group of groups) {
    const refunds = [...psp.refunds.values()]
      .filter(
        (refund) =>
          refund.transactionId === group.transaction.transactionId && refund.status === 'SUCCEEDED',
      )
      .map((refund) => ({
        refundId: refund.refundId,
        alertId: alertOf.get(refund.refundId),
        minor: minorOf(refund),
      }));
    const refundedMinor = refunds.reduce((sum, refund) => sum + refund.minor, 0);
    const leftMinor = group.amountMinor - group.importedRefundedMinor;
    if (refundedMinor > leftMinor) {
      found.push({
        transactionId: group.transaction.transactionId,
        currencyCode: group.transaction.amount.currencyCode,
        leftMinor,
        refundedMinor,
        refunds,
      });
    }
  }
  return found;
}

/**
 * Invariant 2, first half: every refund the PSP confirmed has exactly one `alert_refunds` row with
 * its id, for the alert that asked, the same amount, SUCCEEDED; and no SUCCEEDED row names a
 * refund the PSP did not confirm.
 */
export function unrecordedRefunds(
  groups: readonly AlertGroup[],
  psp: MockPsp,
  rows: readonly RefundRow[],
): string[] {
  const problems: string[] = [];
  const confirmed = new Map<string, { alertId: string; refund: PspRefund }>();
  for (const [alertId, refund] of pspRefundsByAlert(groups, psp)) {
    if (refund.status === 'SUCCEEDED') confirmed.set(refund.refundId, { alertId, refund });
  }
  for (const { alertId, refund } of confirmed.values()) {
    const named = rows.filter((row) => row.psp_refund_id === refund.refundId);
    const row = named[0];
    if (named.length !== 1 || row === undefined) {
      problems.push(
        `${refund.refundId} (alert ${alertId}) has ${String(named.length)} refund rows`,
      );
      continue;
    }
    const rowMinor = toMinorUnits(row.amount_value, row.amount_currency);
    if (
      row.alert_id !== alertId ||
      row.status !== 'SUCCEEDED' ||
      row.amount_currency !== refund.amount.currencyCode ||
      rowMinor !== minorOf(refund)
    ) {
      problems.push(
        `${refund.refundId}: PSP ${String(minorOf(refund))} ${refund.amount.currencyCode} SUCCEEDED for ${alertId}, row ${String(rowMinor)} ${row.amount_currency} ${row.status} for ${row.alert_id}`,
      );
    }
  }
  for (const row of rows) {
    if (row.status === 'SUCCEEDED' && !confirmed.has(row.psp_refund_id ?? '')) {
      problems.push(
        `row of alert ${row.alert_id} is SUCCEEDED with ${String(row.psp_refund_id)}, which the PSP did not confirm`,
      );
    }
  }
  return problems;
}

/**
 * Invariant 2, second half: each transaction's `refunded_value` is what the import said plus the
 * SUCCEEDED refund rows of it.
 */
export function ledgerMismatches(
  groups: readonly AlertGroup[],
  rows: readonly RefundRow[],
  refundedValues: ReadonlyMap<string, string>,
): string[] {
  const problems: string[] = [];
  for (const group of groups) {
    const { transactionId, amount } = group.transaction;
    const stored = refundedValues.get(transactionId);
    if (stored === undefined) {
      problems.push(`${transactionId} is not in merchant_transactions`);
      continue;
    }
    const rowsMinor = rows
      .filter((row) => row.transaction_id === transactionId && row.status === 'SUCCEEDED')
      .reduce((sum, row) => sum + toMinorUnits(row.amount_value, row.amount_currency), 0);
    const storedMinor = toMinorUnits(stored, amount.currencyCode);
    if (storedMinor !== group.importedRefundedMinor + rowsMinor) {
      problems.push(
        `${transactionId}: refunded_value ${String(storedMinor)}, imported ${String(group.importedRefundedMinor)} + refund rows ${String(rowsMinor)} (${amount.currencyCode} minor units)`,
      );
    }
  }
  return problems;
}

/** Invariant 4: idempotency keys the PSP received with more than one amount. */
export function keysReusedForOtherAmounts(psp: MockPsp): string[] {
  const amounts = new Map<string, Set<string>>();
  for (const request of psp.received) {
    if (request.method !== 'POST') continue;
    const key = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()] ?? '';
    const body = request.body as
      { amount?: { value?: unknown; currencyCode?: unknown } } | undefined;
    const seen = amounts.get(key) ?? new Set<string>();
    seen.add(`${String(body?.amount?.value)} ${String(body?.amount?.currencyCode)}`);
    amounts.set(key, seen);
  }
  return [...amounts]
    .filter(([, seen]) => seen.size > 1)
    .map(([key, seen]) => `${key}: ${[...seen].join(', ')}`);
}
