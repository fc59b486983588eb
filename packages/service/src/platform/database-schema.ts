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
  matched_transaction_id: ColumnType<string | null, never, string | null>;
  match_method: ColumnType<
    'arn' | 'card_amount_time' | null,
    never,
    'arn' | 'card_amount_time' | null
  >;
}

export interface MerchantTransactionsTable {
  transaction_id: string;
  acquirer_reference_number: string | null;
  card_bin: string;
  card_last4: string;
  amount_value: Numeric;
  amount_currency: string;
  auth_code: string | null;
  transaction_at: ColumnType<Date, Date | string, Date | string>;
  descriptor: string | null;
  settled: boolean;
  fulfilment: 'NOT_FULFILLED' | 'FULFILLED' | 'CANCELLED';
  refunded_value: ColumnType<string, string | number | undefined, string | number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AlertRefundsTable {
  alert_id: string;
  transaction_id: string;
  amount_value: Numeric;
  amount_currency: string;
  status: 'SUCCEEDED' | 'PENDING' | 'FAILED' | 'NOT_SETTLED';
  psp_refund_id: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type OutcomeDeliveryState = 'PENDING' | 'IN_FLIGHT' | 'SENT' | 'FAILED' | 'DEAD_LETTER';

export interface AlertOutcomesTable {
  alert_id: string;
  outcome: ColumnType<Record<string, unknown>, string, string>;
  decided_by: 'rule' | 'agent';
  state: OutcomeDeliveryState;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_attempt_at: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: CreatedAt;
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
  merchant_transactions: MerchantTransactionsTable;
  alert_refunds: AlertRefundsTable;
  alert_outcomes: AlertOutcomesTable;
}

export type AlertRow = Selectable<AlertsTable>;
export type NewAlertRow = Insertable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;
