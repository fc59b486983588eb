import type { TestApp } from './test-app.js';

export interface AlertRowText {
  alert_id: string;
  alert_type: string;
  status: string;
  card_bin: string | null;
  card_last4: string | null;
  amount_value: string;
  amount_currency: string;
  chargeback_amount_value: string | null;
  chargeback_amount_currency: string | null;
  acquirer_reference_number: string | null;
  merchant_descriptor: string | null;
  alert_timestamp_raw: string;
  alert_timestamp_local: string;
  alert_timestamp_utc: string;
  transaction_timestamp_raw: string | null;
  transaction_timestamp_local: string | null;
  payload: Record<string, unknown>;
}

/**
 * The stored rows for `ids`, with timestamps rendered by PostgreSQL itself so the assertions do
 * not depend on how the driver converts them.
 */
export async function storedAlerts(t: TestApp, ids: readonly string[]): Promise<AlertRowText[]> {
  return t.query<AlertRowText & Record<string, unknown>>(
    `SELECT alert_id, alert_type, status, card_bin, card_last4,
            amount_value::text, amount_currency, chargeback_amount_value::text, chargeback_amount_currency,
            acquirer_reference_number, merchant_descriptor, alert_timestamp_raw,
            to_char(alert_timestamp_local, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS alert_timestamp_local,
            to_char(alert_timestamp_utc AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS alert_timestamp_utc,
            transaction_timestamp_raw,
            to_char(transaction_timestamp_local, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS transaction_timestamp_local,
            payload
       FROM alerts WHERE alert_id = ANY($1) ORDER BY alert_id`,
    [ids],
  );
}

export async function countAlerts(t: TestApp, ids: readonly string[]): Promise<number> {
  const [row] = await t.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM alerts WHERE alert_id = ANY($1)',
    [ids],
  );
  return row?.n ?? 0;
}

export async function receivedEvents(
  t: TestApp,
  ids: readonly string[],
): Promise<{ alert_id: string; to_status: string }[]> {
  return t.query(
    'SELECT alert_id, from_status, to_status, actor FROM alert_events WHERE alert_id = ANY($1) ORDER BY id',
    [ids],
  );
}

/** The `process-alert` jobs pg-boss holds for `ids`, one row per job. */
export async function processAlertJobs(
  t: TestApp,
  ids: readonly string[],
): Promise<{ alert_id: string }[]> {
  return t.query(
    `SELECT data->>'alertId' AS alert_id FROM pgboss.job
      WHERE name = 'process-alert' AND data->>'alertId' = ANY($1) ORDER BY created_on`,
    [ids],
  );
}
