/**
 * The shape of one alert as Ethoca's Push API delivers it. This is the one file that encodes it.
 *
 * The public push specification (`alert-push-specs_outbound.yaml`) was not readable when this was
 * written: the field set, limits and enums come from the Ethoca360 WSDL, and the camelCase names
 * follow the REST Outcome API and third-party normalisations (see contracts/README.md). When the
 * spec is confirmed, correct the names and limits here; nothing else encodes them.
 *
 * Required: alertId, alertType, alertTimestamp, transactionTimestamp, amount, merchantDescriptor,
 * and a card reference (cardNumber, or cardBin + cardLast4) from which a BIN and the last four
 * digits can be read. Everything else is optional and may also arrive as null. Unknown fields are
 * kept: Ethoca adding a field must never make us reject, or silently lose, an alert.
 */
import * as z from 'zod';
import { alertMoneySchema } from './money.js';
import { localTimestampSchema } from './local-timestamp.js';

export const ALERT_TYPES = ['CONFIRMEDFRAUD', 'CUSTOMERDISPUTE'] as const;
export const alertTypeSchema = z.enum(ALERT_TYPES).meta({ id: 'AlertType' });
export type AlertType = z.infer<typeof alertTypeSchema>;

export const TRANSACTION_TYPES = ['keyed', 'swiped', 'eCommerce', 'unknown'] as const;
export const INITIATED_BY = ['issuer', 'cardholder', 'not_available'] as const;
export const IS_3D_SECURE = ['yes', 'no', 'not_available'] as const;

/** Ethoca's alert id: exactly 25 letters or digits (legacy `EthocaID`, Outcome API `alertId`). */
export const alertIdSchema = z
  .string()
  .length(25)
  .regex(/^[A-Za-z0-9]+$/, 'must contain only letters and digits')
  .meta({
    description: 'Ethoca alert id, 25 alphanumeric characters',
    examples: ['B7QK2M9XW4ZP1RT8LN3VD6HCY'],
  });

/** Unmasked digits, or digits around one run of `*` or `X` (`545454******5454`). */
const CARD_NUMBER_FORMS = [/^\d+$/, /^\d*\*+\d*$/, /^\d*X+\d*$/];
const MASK = /[*X]/;

const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

export const ethocaAlertSchema = z
  .looseObject({
    alertId: alertIdSchema,
    alertType: alertTypeSchema,
    alertTimestamp: localTimestampSchema,
    age: optional(
      z.union([
        // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
        z.string().regex(/^\d+(?:\.\d+)?$/, 'must be a number of hours'),
        z.number().nonnegative(),
      ]),
    ).meta({ description: 'Hours between the transaction and the alert' }),
    issuer: optional(z.string().max(60)),
    cardNumber: optional(
      z
        .string()
        .min(13)
        .max(19)
        .refine(
          (card) => CARD_NUMBER_FORMS.some((form) => form.test(card)),
          'must be digits, or digits masked with one run of * or X',
        ),
    ).meta({ description: 'Full or masked card number; the service stores only BIN and last 4' }),
    cardBin: optional(z.string().regex(/^(?:\d{6}|\d{8})$/, 'must be 6 or 8 digits')),
    cardLast4: optional(z.string().regex(/^\d{4}$/, 'must be 4 digits')),
    acquirerReferenceNumber: optional(
      z
        .string()
        .min(1)
        .max(64)
        // `*` is the service's own mask: a card number typed into the reference is masked to BIN +
        // last 4 when the delivery is parsed, before validation, and must not cost the alert.
        .regex(/^[A-Za-z0-9*]+$/, 'must contain only letters and digits'),
    ).meta({ description: 'ARN, usually 23 digits; only present for settled transactions' }),
    transactionTimestamp: localTimestampSchema,
    merchantDescriptor: z.string().min(1).max(50),
    memberId: optional(z.int().nonnegative()),
    mcc: optional(z.string().regex(/^\d{4}$/, 'must be 4 digits')),
    amount: alertMoneySchema,
    transactionType: optional(z.enum(TRANSACTION_TYPES)),
    initiatedBy: optional(z.enum(INITIATED_BY)),
    is3dSecure: optional(z.enum(IS_3D_SECURE)),
    source: optional(z.string().max(50)),
    authCode: optional(z.string().max(8)),
    merchantMemberName: optional(z.string().max(60)),
    transactionId: optional(z.string().max(64)),
    chargebackReasonCode: optional(z.string().max(30)),
    chargebackAmount: optional(alertMoneySchema),
  })
  .superRefine((alert, ctx) => {
    const card = alert.cardNumber ?? '';
    const leading = /^\d*/.exec(card)?.[0] ?? '';
    const trailing = /\d*$/.exec(card)?.[0] ?? '';
    const masked = MASK.test(card);
    const visibleBin = masked ? leading : card.slice(0, 8);
    const visibleLast4 = trailing.slice(-4);

    if (alert.cardBin && visibleBin !== '') {
      const overlap = Math.min(alert.cardBin.length, visibleBin.length);
      if (alert.cardBin.slice(0, overlap) !== visibleBin.slice(0, overlap)) {
        ctx.addIssue({ code: 'custom', path: ['cardBin'], message: 'does not match cardNumber' });
      }
    }
    if (alert.cardLast4 && visibleLast4.length === 4 && alert.cardLast4 !== visibleLast4) {
      ctx.addIssue({ code: 'custom', path: ['cardLast4'], message: 'does not match cardNumber' });
    }
    // The service keeps the card only as BIN + last 4, so both must be readable from the alert.
    if (!alert.cardBin && visibleBin.length < 6) {
      ctx.addIssue({
        code: 'custom',
        path: [alert.cardNumber ? 'cardNumber' : 'cardBin'],
        message: alert.cardNumber
          ? 'shows fewer than 6 leading digits and no cardBin was sent'
          : 'is required when cardNumber is absent',
      });
    }
    if (!alert.cardLast4 && visibleLast4.length < 4) {
      ctx.addIssue({
        code: 'custom',
        path: [alert.cardNumber ? 'cardNumber' : 'cardLast4'],
        message: alert.cardNumber
          ? 'shows fewer than 4 trailing digits and no cardLast4 was sent'
          : 'is required when cardNumber is absent',
      });
    }
  })
  .meta({ id: 'EthocaAlert', description: 'One Ethoca alert as pushed to the webhook' });
export type EthocaAlert = z.infer<typeof ethocaAlertSchema>;

/** The card as the service stores it: never more than the BIN and the last four digits. */
export interface AlertCard {
  bin: string;
  last4: string;
}

/** Reads BIN and last 4 from a validated alert, preferring the explicit fields. */
export function alertCard(alert: EthocaAlert): AlertCard {
  const card = alert.cardNumber ?? '';
  const leading = /^\d*/.exec(card)?.[0] ?? '';
  const trailing = /\d*$/.exec(card)?.[0] ?? '';
  // A masked number shows what the issuer chose to show (6 or 8 digits); from a full number we
  // keep the shorter 6-digit BIN.
  const visible = MASK.test(card) ? leading : card.slice(0, 6);
  const bin = alert.cardBin ?? visible.slice(0, visible.length >= 8 ? 8 : 6);
  const last4 = alert.cardLast4 ?? trailing.slice(-4);
  return { bin, last4 };
}

/**
 * The alert with the card number reduced to BIN and last 4 (`545454******5454`), for storage and
 * logs. Unknown fields are kept as received.
 */
export function redactAlert(alert: EthocaAlert): EthocaAlert {
  if (!alert.cardNumber) return alert;
  const { bin, last4 } = alertCard(alert);
  const hidden = Math.max(0, alert.cardNumber.length - bin.length - last4.length);
  return { ...alert, cardNumber: `${bin}${'*'.repeat(hidden)}${last4}` };
}
