/** The service's alert API: stored alerts, their history, and manual outcomes. */
import * as z from 'zod';
import { alertIdSchema, alertTypeSchema } from './ethoca-alert.js';
import { alertMoneySchema } from './money.js';
import { localTimestampValueSchema } from './local-timestamp.js';
import {
  outcomeCodeSchema,
  outcomeMoneySchema,
  outcomeTimestampSchema,
  refundStatusSchema,
  refundTypeSchema,
} from './outcome.js';

export const ALERT_STATUSES = [
  'RECEIVED',
  'MATCHED',
  'UNMATCHED',
  'REFUND_REQUESTED',
  'ACTIONED',
  'OUTCOME_PENDING',
  'OUTCOME_SENT',
  'OUTCOME_FAILED',
] as const;
export const alertStatusSchema = z.enum(ALERT_STATUSES).meta({ id: 'AlertStatus' });
export type AlertStatus = z.infer<typeof alertStatusSchema>;

const utcInstant = z.iso.datetime().meta({ description: 'UTC instant, ISO 8601 with Z' });

export const storedAlertSchema = z
  .object({
    alertId: alertIdSchema,
    alertType: alertTypeSchema,
    status: alertStatusSchema,
    receivedAt: utcInstant,
    alertTimestamp: localTimestampValueSchema,
    transactionTimestamp: localTimestampValueSchema,
    amount: alertMoneySchema,
    chargebackAmount: alertMoneySchema.optional(),
    card: z.object({
      bin: z.string().regex(/^(?:\d{6}|\d{8})$/, 'must be 6 or 8 digits'),
      last4: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
    }),
    acquirerReferenceNumber: z.string().optional(),
    merchantDescriptor: z.string(),
    payload: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The alert as received, card number masked, unknown fields included' }),
  })
  .meta({ id: 'StoredAlert' });
export type StoredAlert = z.infer<typeof storedAlertSchema>;

export const ALERT_EVENT_ACTORS = ['rule', 'agent', 'system'] as const;

export const alertEventSchema = z
  .object({
    at: utcInstant,
    fromStatus: alertStatusSchema.nullable(),
    toStatus: alertStatusSchema,
    actor: z.enum(ALERT_EVENT_ACTORS),
    reason: z.string(),
  })
  .meta({ id: 'AlertEvent' });
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const storedAlertDetailSchema = storedAlertSchema
  .extend({ events: z.array(alertEventSchema) })
  .meta({ id: 'StoredAlertDetail' });
export type StoredAlertDetail = z.infer<typeof storedAlertDetailSchema>;

export const MAX_ALERT_PAGE_SIZE = 200;
export const DEFAULT_ALERT_PAGE_SIZE = 50;

/** Query of `GET /api/v6/alerts`; `limit` arrives as a query string and is coerced. */
export const alertListQuerySchema = z
  .object({
    status: alertStatusSchema.optional(),
    type: alertTypeSchema.optional(),
    receivedFrom: utcInstant.optional(),
    receivedTo: utcInstant.optional(),
    cursor: z.string().min(1).max(512).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_ALERT_PAGE_SIZE).default(DEFAULT_ALERT_PAGE_SIZE),
  })
  .superRefine((query, ctx) => {
    if (query.receivedFrom && query.receivedTo && query.receivedFrom > query.receivedTo) {
      ctx.addIssue({ code: 'custom', path: ['receivedTo'], message: 'is before receivedFrom' });
    }
  });
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;

export const alertListResponseSchema = z
  .object({
    items: z.array(storedAlertSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AlertList' });
export type AlertListResponse = z.infer<typeof alertListResponseSchema>;

/**
 * `POST /api/v6/alerts/{alertId}/outcome`: an agent records the outcome by hand. Amounts the agent
 * leaves out are filled by the service with `amountWhenNothingMoved`, so the agent never has to
 * type the Outcome API's placeholder amounts.
 */
export const manualOutcomeRequestSchema = z
  .object({
    outcome: outcomeCodeSchema,
    refundStatus: refundStatusSchema,
    refund: z
      .object({
        amount: outcomeMoneySchema,
        type: refundTypeSchema.optional(),
        timestamp: outcomeTimestampSchema.optional(),
        transactionId: z.string().min(1).max(64).optional(),
        acquirerReferenceNumber: z.string().min(1).max(24).optional(),
      })
      .optional(),
    amountStopped: outcomeMoneySchema.optional(),
    comments: z.string().min(1).max(1024).optional(),
    actionTimestamp: outcomeTimestampSchema.optional(),
  })
  .superRefine((request, ctx) => {
    if (request.refundStatus === 'REFUNDED' && !request.refund) {
      ctx.addIssue({
        code: 'custom',
        path: ['refund'],
        message: 'is required when refundStatus is REFUNDED',
      });
    }
  })
  .meta({ id: 'ManualOutcomeRequest' });
export type ManualOutcomeRequest = z.infer<typeof manualOutcomeRequestSchema>;

export const manualOutcomeResponseSchema = z
  .object({
    alertId: alertIdSchema,
    status: alertStatusSchema,
    outcome: outcomeCodeSchema,
  })
  .meta({ id: 'ManualOutcomeAccepted' });
export type ManualOutcomeResponse = z.infer<typeof manualOutcomeResponseSchema>;
