/**
 * Ethoca Outcome API (outbound) schemas: what we report after acting on an alert (reference
 * §2.6–2.7). The vocabulary, which outcomes apply to which alert type, and how we write "nothing
 * refunded or stopped" under the API's minimum amount of 1 are in outcome-rules.ts.
 */
import * as z from 'zod';
import { alertIdSchema } from './ethoca-alert.js';
import { ethocaErrorItemSchema } from './ethoca-error.js';
import { moneySchema } from './money.js';
import { OUTCOME_CODES, REFUND_STATUSES, REFUND_TYPES } from './outcome-rules.js';

export * from './outcome-rules.js';

export const outcomeCodeSchema = z.enum(OUTCOME_CODES).meta({ id: 'OutcomeCode' });

export const refundStatusSchema = z.enum(REFUND_STATUSES).meta({ id: 'RefundStatus' });
export type RefundStatus = z.infer<typeof refundStatusSchema>;

export const refundTypeSchema = z.enum(REFUND_TYPES).meta({ id: 'RefundType' });

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
export type OutcomeResponseItem = z.infer<typeof outcomeResponseItemSchema>;

/** The `Source` written in per-alert errors of the Outcome API (our mock writes it too). */
export const OUTCOMES_SOURCE = 'alerts-outcomes';

/**
 * The reason code of a per-alert `FAILURE` that means "this alert already has a final outcome".
 * Ethoca keeps the first final outcome and refuses later ones, so the one we sent earlier (for
 * example in a request whose response we never saw) is the one the issuer gets. The service
 * treats this failure as success: the alert's outcome is recorded, and resending cannot change
 * it. The exact string Ethoca uses is not public; this is the code our mock sends and our client
 * recognises, and it is the one place to change when the sandbox shows the real one.
 */
export const OUTCOME_ALREADY_RECORDED = 'OUTCOME_ALREADY_RECORDED';

/** True when a per-alert response says the alert's final outcome was already recorded. */
export function isOutcomeAlreadyRecorded(item: OutcomeResponseItem): boolean {
  return (
    item.status === 'FAILURE' &&
    (item.errors ?? []).some((error) => error.ReasonCode === OUTCOME_ALREADY_RECORDED)
  );
}
