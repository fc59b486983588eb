/**
 * The PSP's refund API. We define this contract: the service asks the PSP for a refund through it,
 * the mock PSP in the testkit enforces it, and a real PSP gets an adapter that speaks it.
 *
 * - `POST /v1/refunds` with `Idempotency-Key: <alertId>` creates a refund. The key is the alert id
 *   because an alert is refunded at most once: a retry after a timeout, a crash or a redelivery
 *   sends the same key and gets the same refund back instead of a second one.
 * - `GET /v1/refunds/{refundId}` reads a refund again, e.g. to follow a PENDING one.
 * - Errors are RFC 9457 problem details (`problemDetailsSchema`).
 */
import * as z from 'zod';
import { alertIdSchema } from './ethoca-alert.js';
import { moneySchema } from './money.js';
import type { RefundStatus } from './outcome.js';

export const PSP_REFUNDS_PATH = '/v1/refunds';

/** The path of one refund; the id is percent-encoded so it can never add a path segment. */
export function pspRefundPath(refundId: string): string {
  return `${PSP_REFUNDS_PATH}/${encodeURIComponent(refundId)}`;
}

/** The request header that makes a refund request idempotent; its value is the alert id. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Set to `true` on a response that replays the refund an earlier request with the same
 * idempotency key created. The first request answers 201, a replay answers 200 with this header.
 */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** The only reason we refund for; the PSP uses it for its own reporting. */
export const PSP_REFUND_REASON = 'ETHOCA_ALERT';

export const idempotencyKeySchema = alertIdSchema;

/** A refund amount: more than 0 and at most the alert's limit, with the currency's decimals. */
export const pspRefundMoneySchema = moneySchema({
  min: 0,
  max: 99_999_999.999,
  description: 'Refund amount, more than 0, with the currency’s decimals',
})
  .refine((money) => money.value > 0, { path: ['value'], message: 'must be greater than 0' })
  .meta({ id: 'PspRefundMoney' });

export const pspRefundRequestSchema = z
  .object({
    transactionId: z
      .string()
      .min(1)
      .max(64)
      .meta({ description: 'The PSP’s id of the payment to refund' }),
    amount: pspRefundMoneySchema,
    reason: z.literal(PSP_REFUND_REASON),
    alertId: alertIdSchema,
  })
  .meta({ id: 'PspRefundRequest' });
export type PspRefundRequest = z.infer<typeof pspRefundRequestSchema>;

/**
 * - `SUCCEEDED`: the money is on its way back to the card.
 * - `PENDING`: accepted, not final yet; read it again with `GET /v1/refunds/{refundId}`.
 * - `FAILED`: the PSP could not refund (`failureReason` says why).
 * - `NOT_SETTLED`: the payment had never settled, so the PSP voided the authorisation instead of
 *   refunding; nothing was charged. Ethoca calls this refund status `NOT_SETTLED` too.
 */
export const PSP_REFUND_STATUSES = ['SUCCEEDED', 'PENDING', 'FAILED', 'NOT_SETTLED'] as const;
export const pspRefundStatusSchema = z.enum(PSP_REFUND_STATUSES).meta({ id: 'PspRefundStatus' });
export type PspRefundStatus = z.infer<typeof pspRefundStatusSchema>;

export const pspRefundSchema = z
  .object({
    refundId: z.string().min(1).max(64),
    status: pspRefundStatusSchema,
    transactionId: z.string().min(1).max(64),
    amount: pspRefundMoneySchema,
    createdAt: z.iso.datetime({ offset: true }),
    failureReason: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Why a FAILED refund failed, in the PSP’s words' }),
  })
  .meta({ id: 'PspRefund' });
export type PspRefund = z.infer<typeof pspRefundSchema>;

/** Problem `type` URIs the PSP answers with, beside `about:blank`. */
export const PSP_PROBLEM_TYPES = {
  validation: 'urn:psp:problem:validation',
  idempotencyKeyReused: 'urn:psp:problem:idempotency-key-reused',
  notFound: 'urn:psp:problem:not-found',
} as const;

/**
 * The Ethoca refund status a PSP refund status reports, or undefined while the refund is still
 * PENDING and nothing final can be said. A FAILED refund moved no money, so it is NOT_REFUNDED.
 */
export function ethocaRefundStatusFor(status: PspRefundStatus): RefundStatus | undefined {
  switch (status) {
    case 'SUCCEEDED':
      return 'REFUNDED';
    case 'NOT_SETTLED':
      return 'NOT_SETTLED';
    case 'FAILED':
      return 'NOT_REFUNDED';
    case 'PENDING':
      return undefined;
  }
}
