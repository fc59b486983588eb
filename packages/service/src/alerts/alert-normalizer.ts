import {
  alertCard,
  parseLocalTimestamp,
  redactAlert,
  type EthocaAlert,
  type LocalTimestamp,
} from '@mastercom/contracts';
import type { AlertToStore } from './alert-ingest.js';

/**
 * Turns a validated alert, parsed from a delivery with every card number masked, into what is
 * stored. The cardNumber field is reduced to BIN + last 4 here whether or not it passes Luhn.
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
    // Every card number in the delivery, these free-text fields included, was masked when the
    // body was parsed (parseJsonMaskingCards); only the cardNumber field is reduced here.
    acquirerReferenceNumber: alert.acquirerReferenceNumber ?? null,
    merchantDescriptor: alert.merchantDescriptor,
    alertTimestamp: localTimestamp(alert.alertTimestamp, 'alertTimestamp'),
    transactionTimestamp: localTimestamp(alert.transactionTimestamp, 'transactionTimestamp'),
    payload: redactAlert(alert),
  };
}

function localTimestamp(raw: string, field: string): LocalTimestamp {
  const parsed = parseLocalTimestamp(raw);
  // The schema refuses such values already; reaching this means schema and parser disagree.
  if (parsed === undefined) throw new Error(`${field} passed validation but could not be parsed`);
  return parsed;
}
