/**
 * Ethoca Outcome API (outbound): what we report after acting on an alert (reference §2.6–2.7).
 *
 * Amounts: the API requires `refund` and `amountStopped` on every outcome, each with a value of at
 * least 1, even when nothing was refunded or stopped. Sending 0 is a spec violation (the previous
 * service did it). We send the alert's own transaction amount in those cases (see
 * `amountWhenNothingMoved`): the figure is one the issuer already knows, so it invents nothing, and
 * the meaning is carried by the fields Ethoca defines for it: `refundStatus` NOT_REFUNDED or
 * NOT_SETTLED, and an outcome that says nothing was stopped (MISSED, NOT_FOUND, UNRESOLVED_DISPUTE,
 * …). A token value of 1 was rejected: it reads as a one-unit refund.
 */
import * as z from 'zod';
import { alertIdSchema, type AlertType } from './ethoca-alert.js';
import { ethocaErrorItemSchema } from './ethoca-error.js';
import { minorUnits } from './currency.js';
import { moneySchema, type AlertMoney } from './money.js';

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
export const outcomeCodeSchema = z.enum(OUTCOME_CODES).meta({ id: 'OutcomeCode' });
export type OutcomeCode = z.infer<typeof outcomeCodeSchema>;

export const REFUND_STATUSES = ['REFUNDED', 'NOT_REFUNDED', 'NOT_SETTLED'] as const;
export const refundStatusSchema = z.enum(REFUND_STATUSES).meta({ id: 'RefundStatus' });
export type RefundStatus = z.infer<typeof refundStatusSchema>;

export const REFUND_TYPES = ['REFUND', 'VOUCHER', 'POINTS', 'GIFT_CARD'] as const;
export const refundTypeSchema = z.enum(REFUND_TYPES).meta({ id: 'RefundType' });

/** Which outcomes Ethoca accepts for an alert of the given type. */
export function outcomesForAlertType(type: AlertType): readonly OutcomeCode[] {
  return type === 'CONFIRMEDFRAUD' ? FRAUD_OUTCOMES : DISPUTE_OUTCOMES;
}

/** Outcome API amounts: value 1–999999 (the API's odd minimum), currency exponent enforced. */
export const outcomeMoneySchema = moneySchema({
  min: 1,
  max: 999_999,
  description: 'Outcome amount: at least 1 and at most 999999, with the currency’s decimals',
}).meta({ id: 'OutcomeMoney' });
export type OutcomeMoney = z.infer<typeof outcomeMoneySchema>;

/** ISO 8601 with an offset or `Z`, or a date alone; 10–25 characters as the API limits it. */
export const outcomeTimestampSchema = z
  .string()
  .min(10)
  .max(25)
  .regex(
    // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
    /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/,
    'must be an ISO 8601 date, or date-time with Z or an offset',
  )
  .meta({ examples: ['2026-03-04T15:22:10+00:00'] });

export const refundSchema = z
  .object({
    amount: outcomeMoneySchema,
    type: refundTypeSchema.optional(),
    timestamp: outcomeTimestampSchema,
    transactionId: z.string().min(1).max(64).optional(),
    acquirerReferenceNumber: z
      .string()
      .min(1)
      .max(24)
      .optional()
      .meta({ description: 'ARN of the refund (Mastercard DE 31)' }),
  })
  .meta({ id: 'Refund' });

export const alertOutcomeSchema = z
  .object({
    alertId: alertIdSchema,
    outcome: outcomeCodeSchema,
    refundStatus: refundStatusSchema,
    refund: refundSchema,
    amountStopped: outcomeMoneySchema,
    comments: z.string().min(1).max(1024).optional(),
    actionTimestamp: outcomeTimestampSchema.optional(),
  })
  .meta({ id: 'AlertOutcome' });
export type AlertOutcome = z.infer<typeof alertOutcomeSchema>;

/** At most 25 outcomes per call, and one alert at most once: the first final outcome is final. */
export const MAX_OUTCOMES_PER_REQUEST = 25;

export const outcomeRequestSchema = z
  .object({ outcomes: z.array(alertOutcomeSchema).min(1).max(MAX_OUTCOMES_PER_REQUEST) })
  .superRefine((request, ctx) => {
    const seen = new Set<string>();
    request.outcomes.forEach((outcome, index) => {
      if (seen.has(outcome.alertId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['outcomes', index, 'alertId'],
          message: 'appears twice in one request; an alert gets one final outcome',
        });
      }
      seen.add(outcome.alertId);
    });
  })
  .meta({ id: 'OutcomeRequest' });
export type OutcomeRequest = z.infer<typeof outcomeRequestSchema>;

export const outcomeResponseItemSchema = z
  .object({
    alertId: z.string(),
    status: z.enum(['SUCCESS', 'FAILURE']),
    errors: z.array(ethocaErrorItemSchema).optional(),
  })
  .meta({ id: 'OutcomeResponseItem' });

export const outcomeResponseSchema = z
  .object({ outcomeResponses: z.array(outcomeResponseItemSchema) })
  .meta({ id: 'OutcomeResponse' });
export type OutcomeResponse = z.infer<typeof outcomeResponseSchema>;

/**
 * The amount to send in `refund.amount` or `amountStopped` when nothing was refunded or stopped:
 * the alert's transaction amount, raised to the API's minimum of 1 when the transaction was
 * smaller. See the file comment for why.
 */
export function amountWhenNothingMoved(alertAmount: AlertMoney): OutcomeMoney {
  const exponent = minorUnits(alertAmount.currencyCode) ?? 0;
  const value = Math.min(Math.max(alertAmount.value, 1), 999_999);
  return { value: Number(value.toFixed(exponent)), currencyCode: alertAmount.currencyCode };
}
