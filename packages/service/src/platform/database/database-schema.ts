import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** `numeric` comes back from pg as a string so that no precision is lost on the way. */
type Numeric = ColumnType<string, string | number, string | number>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AlertsTable {
  alert_id: string;
  alert_type: string;
  /** Written only by `lifecycle/`; a new row takes the column's default, ARRIVAL_STATUS. */
  status: ColumnType<string, never, string>;
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
  /** Refunds reserved and not yet answered finally by the PSP (see migration 0004). */
  refund_reserved_value: ColumnType<string, string | number | undefined, string | number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AlertRefundsTable {
  alert_id: string;
  transaction_id: string;
  amount_value: Numeric;
  amount_currency: string;
  /** REQUESTED and PENDING are reservations; the other three are the PSP's final answers. */
  status: 'REQUESTED' | 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'NOT_SETTLED';
  psp_refund_id: string | null;
  /** The rule's decision that asked for this refund, kept so a resumed worker reports it. */
  decision: ColumnType<unknown, string | null | undefined, string | null>;
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

export interface MastercomClaimsTable {
  claim_id: string;
  queue_name: string | null;
  acquirer_ref_num: string | null;
  claim_type: string | null;
  claim_value: string | null;
  progress_state: string | null;
  is_open: boolean | null;
  last_modified_date: string | null;
  alert_id: ColumnType<string | null, string | null | undefined, string | null>;
  summary: ColumnType<Record<string, unknown>, string, string>;
  first_seen_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MastercomChargebacksTable {
  chargeback_id: string;
  claim_id: string;
  chargeback_type: string;
  reason_code: string;
  amount_value: Numeric;
  amount_currency: string;
  chargeback_ref_num: string | null;
  create_date: string | null;
  detail: ColumnType<Record<string, unknown>, string, string>;
  acknowledged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  first_seen_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type ClaimEventKind = 'DISCOVERED' | 'LINKED_TO_ALERT' | 'ACKNOWLEDGED' | 'CASE_FILED';

export interface MastercomClaimEventsTable {
  id: Generated<string>;
  claim_id: string;
  at: CreatedAt;
  kind: ClaimEventKind;
  detail: ColumnType<Record<string, unknown>, string, never>;
}

export interface MastercomSyncStateTable {
  queue_name: string;
  watermark: ColumnType<Date, Date | string, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MastercomCasesTable {
  case_id: string;
  case_type: '1' | '2' | '3' | '4';
  status: 'FILED' | 'OPEN' | 'CLOSED' | 'WITHDRAWN';
  filing_as: 'I' | 'A';
  claim_id: string | null;
  alert_id: string | null;
  dispute_amount: string;
  currency_code: string;
  customer_filing_number: string;
  last_action: string | null;
  ruling_status: string | null;
  request: ColumnType<Record<string, unknown>, string, string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MastercomCaseEventsTable {
  id: Generated<string>;
  case_id: string;
  at: CreatedAt;
  action: string;
  from_status: string | null;
  to_status: string;
  memo: string;
  document_id: string | null;
}

export interface MastercomDocumentsTable {
  document_id: string;
  case_id: string | null;
  chargeback_id: string | null;
  claim_id: string | null;
  filename: string;
  mastercom_filename: string;
  content_type: 'application/pdf' | 'image/tiff' | 'image/jpeg';
  size_bytes: number;
  sha256: string;
  memo: string | null;
  uploaded_at: CreatedAt;
  forwarded_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface MastercomDocumentContentsTable {
  document_id: string;
  content: Buffer;
}

export interface Database {
  mastercom_claims: MastercomClaimsTable;
  mastercom_chargebacks: MastercomChargebacksTable;
  mastercom_claim_events: MastercomClaimEventsTable;
  mastercom_sync_state: MastercomSyncStateTable;
  mastercom_cases: MastercomCasesTable;
  mastercom_case_events: MastercomCaseEventsTable;
  mastercom_documents: MastercomDocumentsTable;
  mastercom_document_contents: MastercomDocumentContentsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  merchant_transactions: MerchantTransactionsTable;
  alert_refunds: AlertRefundsTable;
  alert_outcomes: AlertOutcomesTable;
}

export type AlertRow = Selectable<AlertsTable>;
export type NewAlertRow = Insertable<AlertsTable>;
export type AlertEventRow = Selectable<AlertEventsTable>;
