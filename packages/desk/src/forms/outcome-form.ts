import {
  manualOutcomeRequestSchema,
  outcomesForAlertType,
  problemFieldErrors,
  REFUND_STATUSES,
  REFUND_TYPES,
  type ManualOutcomeRequest,
  type OutcomeCode,
  type StoredAlert,
} from '@mastercom/contracts';
import { parseDecimal, type FieldErrors } from './field-errors.js';

/** The decide form's inputs, as text, exactly as the agent left them. */
export interface OutcomeFormValues {
  outcome: string;
  refundStatus: string;
  refundValue: string;
  refundCurrency: string;
  refundType: string;
  comments: string;
}

/** Each input's field path in the request, so the API's field errors land beside the input. */
export const OUTCOME_FIELD_PATHS: Readonly<Record<keyof OutcomeFormValues, string>> = {
  outcome: 'outcome',
  refundStatus: 'refundStatus',
  refundValue: 'refund.amount.value',
  refundCurrency: 'refund.amount.currencyCode',
  refundType: 'refund.type',
  comments: 'comments',
};

export { REFUND_STATUSES, REFUND_TYPES };

/** Only what Ethoca accepts for this alert's type (reference §2.6, in the contracts). */
export function outcomeChoices(alert: Pick<StoredAlert, 'alertType'>): readonly OutcomeCode[] {
  return outcomesForAlertType(alert.alertType);
}

export function initialOutcomeForm(alert: Pick<StoredAlert, 'amount'>): OutcomeFormValues {
  return {
    outcome: '',
    refundStatus: 'NOT_REFUNDED',
    refundValue: String(alert.amount.value),
    refundCurrency: alert.amount.currencyCode,
    refundType: 'REFUND',
    comments: '',
  };
}

/**
 * The request the form stands for, checked with the API's own schema and the alert type's
 * outcomes, or the field errors the agent has to fix first. The service checks it all again.
 */
export function toOutcomeRequest(
  alert: Pick<StoredAlert, 'alertType'>,
  values: OutcomeFormValues,
): { ok: true; request: ManualOutcomeRequest } | { ok: false; errors: FieldErrors } {
  const errors: Record<string, string[]> = {};
  const refunded = values.refundStatus === 'REFUNDED';
  const refundValue = parseDecimal(values.refundValue);
  if (refunded && refundValue === undefined) {
    errors[OUTCOME_FIELD_PATHS.refundValue] = ['must be an amount such as 25.00'];
  }
  const comments = values.comments.trim();
  const candidate = {
    outcome: values.outcome === '' ? undefined : values.outcome,
    refundStatus: values.refundStatus,
    ...(refunded
      ? {
          refund: {
            amount: { value: refundValue ?? Number.NaN, currencyCode: values.refundCurrency },
            ...(values.refundType === '' ? {} : { type: values.refundType }),
          },
        }
      : {}),
    ...(comments === '' ? {} : { comments }),
  };
  const parsed = manualOutcomeRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const { field, message } of problemFieldErrors(parsed.error)) {
      if (errors[field] !== undefined) continue;
      (errors[field] ??= []).push(
        field === 'outcome' && values.outcome === '' ? 'choose an outcome' : message,
      );
    }
  }
  if (
    parsed.success &&
    !(outcomeChoices(alert) as readonly string[]).includes(parsed.data.outcome)
  ) {
    errors.outcome = [`is not an outcome of a ${alert.alertType} alert`];
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, request: parsed.data };
}
