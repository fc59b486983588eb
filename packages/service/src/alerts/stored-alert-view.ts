import type { AlertEvent, StoredAlert } from '@mastercom/contracts';
import type { AlertEventRow, AlertRow } from '../platform/database/database-schema.js';

/** An alert row as the operator API shows it (card number already masked when it was stored). */
export function toStoredAlert(row: AlertRow): StoredAlert {
  const payload = row.payload;
  return {
    alertId: row.alert_id,
    alertType: row.alert_type as StoredAlert['alertType'],
    status: row.status as StoredAlert['status'],
    receivedAt: row.received_at.toISOString(),
    alertTimestamp: { raw: row.alert_timestamp_raw, wallClock: row.alert_timestamp_local },
    transactionTimestamp: {
      raw: row.transaction_timestamp_raw ?? '',
      wallClock: row.transaction_timestamp_local ?? '',
    },
    amount: { value: Number(row.amount_value), currencyCode: row.amount_currency },
    ...(row.chargeback_amount_value !== null && row.chargeback_amount_currency !== null
      ? {
          chargebackAmount: {
            value: Number(row.chargeback_amount_value),
            currencyCode: row.chargeback_amount_currency,
          },
        }
      : {}),
    card: { bin: row.card_bin ?? '', last4: row.card_last4 ?? '' },
    ...(row.acquirer_reference_number === null
      ? {}
      : { acquirerReferenceNumber: row.acquirer_reference_number }),
    merchantDescriptor: row.merchant_descriptor ?? '',
    payload,
  };
}

/** One row of an alert's trail: every status change with who made it and why. */
export function toAlertEvent(row: AlertEventRow): AlertEvent {
  return {
    at: row.at.toISOString(),
    fromStatus: row.from_status as AlertEvent['fromStatus'],
    toStatus: row.to_status as AlertEvent['toStatus'],
    actor: row.actor,
    reason: row.reason,
  };
}
