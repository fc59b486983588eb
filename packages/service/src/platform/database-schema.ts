import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** `numeric` comes back from pg as a string so that no precision is lost on the way. */
type Numeric = ColumnType<string, string | number, string | number>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AlertsTable {
  alert_id: string;
  alert_type: string;
  status: string;
  card_bin: string | null;
  card_last4: string | null;
  amount_value: Numeric;
  amount_currency: string;
  chargeback_amount_value: Numeric | null;
  chargeback_amount_currency: string | null;
  acquirer_reference_number: string | null;
  merchant_descriptor: string | null;
  alert_timestamp_raw: string;
  alert_timestamp_local: ColumnType<string, string, string>;
  alert_timestamp_utc: ColumnType<Date, string, string>;
  transaction_timestamp_raw: string | null;
  transaction_timestamp_local: ColumnType<string | null, string | null, string | null>;
  transaction_timestamp_utc: ColumnType<Date | null, string | null, string | null>;
  received_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  payload: ColumnType<Record<string, unknown>, string, string>;
}

export interface AlertEventsTable {
  id: Generated<string>;
  alert_id: string;
  at: CreatedAt;
  from_status: string | null;
  to_status: string;
  actor: 'rule' | 'agent' | 'system';
  reason: string;
  detail: ColumnType<Record<string, unknown> | null, string | null, never>;
}

export interface Database {
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
}

export type AlertRow = Selectable<AlertsTable>;
export type NewAlertRow = Insertable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;
