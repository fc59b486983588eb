/**
 * What the alert desk shows of one alert, in one answer: the alert with its history, where it
 * stands against Ethoca's deadline, the transaction it matched, refunds, the outcome and Ethoca's
 * answer, and the Mastercom claims and cases linked to it. `GET /api/v6/desk/alerts/{alertId}`;
 * and who the desk's token is, `GET /api/v6/desk/session`.
 */
import * as z from 'zod';
import { DEADLINE_BUCKETS } from './desk-queue.js';
import { alertOutcomeSchema } from './outcome.js';
import { caseRecordSchema } from './service-cases.js';
import { storedAlertDetailSchema } from './service-alerts.js';

const instant = z.iso.datetime();
const decimalAmount = z
  .object({
    value: z.string().meta({ description: 'Decimal text, as stored (no float rounding)' }),
    currencyCode: z.string(),
  })
  .meta({ id: 'DecimalAmount' });

export const deskTransactionSchema = z
  .object({
    transactionId: z.string(),
    matchMethod: z.string().nullable(),
    acquirerReferenceNumber: z.string().nullable(),
    card: z.object({ bin: z.string(), last4: z.string() }),
    amount: decimalAmount,
    authCode: z.string().nullable(),
    transactionAt: instant,
    descriptor: z.string().nullable(),
    settled: z.boolean(),
    fulfilment: z.enum(['NOT_FULFILLED', 'FULFILLED', 'CANCELLED']),
    refunded: z.string().meta({ description: 'Refunded so far, decimal text' }),
  })
  .meta({ id: 'DeskTransaction' });

export const REFUND_ROW_STATUSES = [
  'REQUESTED',
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'NOT_SETTLED',
] as const;

export const deskRefundSchema = z
  .object({
    transactionId: z.string(),
    amount: decimalAmount,
    status: z.enum(REFUND_ROW_STATUSES),
    pspRefundId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'DeskRefund' });

export const OUTCOME_DELIVERY_STATES = [
  'PENDING',
  'IN_FLIGHT',
  'SENT',
  'FAILED',
  'DEAD_LETTER',
] as const;

export const deskOutcomeSchema = z
  .object({
    outcome: alertOutcomeSchema,
    decidedBy: z.enum(['rule', 'agent']),
    delivery: z.enum(OUTCOME_DELIVERY_STATES),
    attempts: z.int().nonnegative(),
    lastAttemptAt: instant.nullable(),
    sentAt: instant.nullable().meta({ description: 'When Ethoca accepted the outcome' }),
    ethocaAnswer: z
      .string()
      .nullable()
      .meta({ description: "Ethoca's last refusal or the transport error, card numbers masked" }),
  })
  .meta({ id: 'DeskOutcome' });

export const deskChargebackSchema = z
  .object({
    chargebackId: z.string(),
    chargebackType: z.string(),
    reasonCode: z.string(),
    amount: decimalAmount,
    chargebackRefNum: z.string().nullable(),
    createDate: z.string().nullable(),
    acknowledgedAt: instant.nullable(),
  })
  .meta({ id: 'DeskChargeback' });

export const deskClaimSchema = z
  .object({
    claimId: z.string(),
    queueName: z.string().nullable(),
    claimType: z.string().nullable(),
    claimValue: z.string().nullable(),
    progressState: z.string().nullable(),
    isOpen: z.boolean().nullable(),
    lastModifiedDate: z.string().nullable(),
    chargebacks: z.array(deskChargebackSchema),
  })
  .meta({ id: 'DeskClaim' });

export const deskAlertSchema = z
  .object({
    alert: storedAlertDetailSchema,
    deadlineAt: instant.meta({ description: 'receivedAt + 24 h, when Ethoca stops waiting' }),
    deadlineBucket: z.enum(DEADLINE_BUCKETS),
    decidable: z
      .boolean()
      .meta({ description: 'An agent may decide it now (its status is one the queue lists)' }),
    transaction: deskTransactionSchema.nullable(),
    refunds: z.array(deskRefundSchema),
    outcome: deskOutcomeSchema.nullable(),
    claims: z.array(deskClaimSchema),
    cases: z.array(caseRecordSchema),
  })
  .meta({ id: 'DeskAlert' });
export type DeskAlert = z.infer<typeof deskAlertSchema>;

/**
 * What an API token may do: `read` looks; `agent` also decides alerts and works cases; `ledger`
 * only imports the merchant's transactions; `admin` does everything. The service grants them.
 */
export const API_TOKEN_ROLES = ['read', 'agent', 'ledger', 'admin'] as const;
export type ApiTokenRole = (typeof API_TOKEN_ROLES)[number];

export const deskSessionSchema = z
  .object({
    role: z.enum(API_TOKEN_ROLES),
    mayDecide: z.boolean().meta({ description: 'The token may decide alerts and work cases' }),
  })
  .meta({ id: 'DeskSession' });
export type DeskSession = z.infer<typeof deskSessionSchema>;
