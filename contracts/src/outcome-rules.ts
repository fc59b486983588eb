/**
 * Outcome vocabulary and rules without zod, shared by the schemas in outcome.ts and by the
 * k6-bundled fixtures.
 *
 * Amounts: the Outcome API requires `refund` and `amountStopped` on every outcome, each with a
 * value of at least 1, even when nothing was refunded or stopped. Sending 0 is a spec violation
 * (the previous service did it). We send the alert's own transaction amount in those cases (see
 * `amountWhenNothingMoved`): the figure is one the issuer already knows, so it invents nothing,
 * and the meaning is carried by the fields Ethoca defines for it: `refundStatus` NOT_REFUNDED or
 * NOT_SETTLED, and an outcome that says nothing was stopped (MISSED, NOT_FOUND,
 * UNRESOLVED_DISPUTE, …). A token value of 1 was rejected: it reads as a one-unit refund.
 */
import { minorUnits } from './currency.js';

export const FRAUD_OUTCOMES = [
  'STOPPED',
  'PARTIALLY_STOPPED',
  'PREVIOUSLY_CANCELLED',
  'MISSED',
  'NOT_FOUND',
  'ACCOUNT_SUSPENDED',
  'OTHER',
] as const;
export const DISPUTE_OUTCOMES = [
  'RESOLVED',
  'RESOLVED_PREVIOUSLY_REFUNDED',
  'UNRESOLVED_DISPUTE',
  'NOT_FOUND',
  'OTHER',
] as const;

/**
 * Every final outcome the REST API accepts. `TOO_LATE` is an alias Ethoca also accepts for MISSED;
 * we always send MISSED so one outcome has one spelling in our data. The legacy in-transit outcomes
 * (`in_progress`, `shipper_contacted`) have no REST value and are never sent.
 */
export const OUTCOME_CODES = [
  'STOPPED',
  'PARTIALLY_STOPPED',
  'PREVIOUSLY_CANCELLED',
  'MISSED',
  'NOT_FOUND',
  'ACCOUNT_SUSPENDED',
  'OTHER',
  'RESOLVED',
  'RESOLVED_PREVIOUSLY_REFUNDED',
  'UNRESOLVED_DISPUTE',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];

export const REFUND_STATUSES = ['REFUNDED', 'NOT_REFUNDED', 'NOT_SETTLED'] as const;
export const REFUND_TYPES = ['REFUND', 'VOUCHER', 'POINTS', 'GIFT_CARD'] as const;

/** Which outcomes Ethoca accepts for an alert of the given type (reference §2.6). */
export function outcomesForAlertType(
  type: 'CONFIRMEDFRAUD' | 'CUSTOMERDISPUTE',
): readonly OutcomeCode[] {
  return type === 'CONFIRMEDFRAUD' ? FRAUD_OUTCOMES : DISPUTE_OUTCOMES;
}

/**
 * The amount to send in `refund.amount` or `amountStopped` when nothing was refunded or stopped:
 * the alert's transaction amount, raised to the API's minimum of 1 when the transaction was
 * smaller. See the file comment for why.
 */
export function amountWhenNothingMoved(alertAmount: { value: number; currencyCode: string }): {
  value: number;
  currencyCode: string;
} {
  const exponent = minorUnits(alertAmount.currencyCode) ?? 0;
  const value = Math.min(Math.max(alertAmount.value, 1), 999_999);
  return { value: Number(value.toFixed(exponent)), currencyCode: alertAmount.currencyCode };
}
