import { sql, type Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Database } from '../platform/database-schema.js';
import { enqueueInTransaction } from '../platform/queue.js';

/** An alert as it is stored: already validated, card number already masked. */
export interface AlertToStore {
  alertId: string;
  alertType: string;
  cardBin: string | null;
  cardLast4: string | null;
  amount: { value: number; currencyCode: string };
  chargebackAmount: { value: number; currencyCode: string } | null;
  acquirerReferenceNumber: string | null;
  merchantDescriptor: string | null;
  alertTimestamp: { raw: string; wallClock: string };
  transactionTimestamp: { raw: string; wallClock: string } | null;
  /** The alert as received, unknown fields included, with every card number masked. */
  payload: Record<string, unknown>;
}

export interface IngestResult {
  alertId: string;
  duplicate: boolean;
}

export interface IngestDeps {
  db: Kysely<Database>;
  queue: PgBoss;
  /** Ethoca timestamps carry no offset; this zone turns their wall-clock time into an instant. */
  memberTimeZone: string;
}

/**
 * Stores alerts and enqueues one processing job per new alert in a single transaction. A
 * redelivered alert (same alertId) changes nothing and is reported as a duplicate, so Ethoca can
 * retry as often as it likes. Resolves only after the commit: callers acknowledge on resolution.
 */
export async function ingestAlerts(
  deps: IngestDeps,
  alerts: readonly AlertToStore[],
): Promise<IngestResult[]> {
  if (alerts.length === 0) return [];
  const firstOfEach = new Map<string, AlertToStore>();
  for (const alert of alerts)
    if (!firstOfEach.has(alert.alertId)) firstOfEach.set(alert.alertId, alert);
  const unique = [...firstOfEach.values()];
  const zone = deps.memberTimeZone;

  const inserted = await deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('alerts')
      .values(
        unique.map((alert) => ({
          alert_id: alert.alertId,
          alert_type: alert.alertType,
          status: 'RECEIVED',
          card_bin: alert.cardBin,
          card_last4: alert.cardLast4,
          amount_value: alert.amount.value,
          amount_currency: alert.amount.currencyCode,
          chargeback_amount_value: alert.chargebackAmount?.value ?? null,
          chargeback_amount_currency: alert.chargebackAmount?.currencyCode ?? null,
          acquirer_reference_number: alert.acquirerReferenceNumber,
          merchant_descriptor: alert.merchantDescriptor,
          alert_timestamp_raw: alert.alertTimestamp.raw,
          alert_timestamp_local: alert.alertTimestamp.wallClock,
          alert_timestamp_utc: sql<string>`(${alert.alertTimestamp.wallClock}::timestamp AT TIME ZONE ${zone})`,
          transaction_timestamp_raw: alert.transactionTimestamp?.raw ?? null,
          transaction_timestamp_local: alert.transactionTimestamp?.wallClock ?? null,
          transaction_timestamp_utc:
            alert.transactionTimestamp === null
              ? null
              : sql<string>`(${alert.transactionTimestamp.wallClock}::timestamp AT TIME ZONE ${zone})`,
          payload: JSON.stringify(alert.payload),
        })),
      )
      .onConflict((conflict) => conflict.column('alert_id').doNothing())
      .returning('alert_id')
      .execute();
    const newIds = rows.map((row) => row.alert_id);
    if (newIds.length > 0) {
      await trx
        .insertInto('alert_events')
        .values(
          newIds.map((alertId) => ({
            alert_id: alertId,
            from_status: null,
            to_status: 'RECEIVED',
            actor: 'system' as const,
            reason: 'delivered by Ethoca',
          })),
        )
        .execute();
      await enqueueInTransaction(
        deps.queue,
        trx,
        newIds.map((alertId) => ({ data: { alertId }, singletonKey: alertId })),
      );
    }
    return new Set(newIds);
  });

  // The second copy of an id within one delivery is a duplicate of the first.
  const reported = new Set<string>();
  return alerts.map((alert) => {
    const fresh = inserted.has(alert.alertId) && !reported.has(alert.alertId);
    reported.add(alert.alertId);
    return { alertId: alert.alertId, duplicate: !fresh };
  });
}
