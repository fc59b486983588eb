import {
  alertCard,
  parseLocalTimestamp,
  redactAlert,
  type EthocaAlert,
  type LocalTimestamp,
} from '@mastercom/contracts';
import type { AlertToStore } from './alert-ingest.js';
import { maskCardNumbersDeep, maskCardNumbersInText } from '../platform/card-masking.js';

/**
 * Turns a validated alert into what is stored. The card number is reduced to BIN + last 4 here,
 * before the alert goes anywhere else, and any other card number hidden in the payload (unknown
 * fields included) is masked too.
 */
export function normalizeAlert(alert: EthocaAlert): AlertToStore {
  const card = alertCard(alert);
  return {
    alertId: alert.alertId,
    alertType: alert.alertType,
    cardBin: card.bin === '' ? null : card.bin,
    cardLast4: card.last4 === '' ? null : card.last4,
    amount: { value: alert.amount.value, currencyCode: alert.amount.currencyCode },
    chargebackAmount: alert.chargebackAmount
      ? { value: alert.chargebackAmount.value, currencyCode: alert.chargebackAmount.currencyCode }
      : null,
    // Free-text fields that get their own column are masked like the payload: a descriptor or
    // reference is typed by people, and a card number typed into one must not be stored.
    acquirerReferenceNumber:
      alert.acquirerReferenceNumber == null
        ? null
        : maskCardNumbersInText(alert.acquirerReferenceNumber),
    merchantDescriptor: maskCardNumbersInText(alert.merchantDescriptor),
    alertTimestamp: localTimestamp(alert.alertTimestamp, 'alertTimestamp'),
    transactionTimestamp: localTimestamp(alert.transactionTimestamp, 'transactionTimestamp'),
    payload: maskCardNumbersDeep(redactAlert(alert)) as Record<string, unknown>,
  };
}

function localTimestamp(raw: string, field: string): LocalTimestamp {
  const parsed = parseLocalTimestamp(raw);
  // The schema refuses such values already; reaching this means schema and parser disagree.
  if (parsed === undefined) throw new Error(`${field} passed validation but could not be parsed`);
  return parsed;
}
