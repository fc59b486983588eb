import { sql, type Kysely } from 'kysely';

// Mastercom: the claims and chargebacks read from the queues (deduplicated by Mastercom's ids), a
// watermark per queue so a restart resumes where the last read ended, an append-only trail per
// claim, the cases we file with their history, and the documents sent with them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE mastercom_claims (
      claim_id text PRIMARY KEY CHECK (claim_id ~ '^[0-9]{1,19}$'),
      queue_name text,
      acquirer_ref_num text,
      claim_type text,
      claim_value text,
      progress_state text,
      is_open boolean,
      last_modified_date text,
      alert_id text REFERENCES alerts (alert_id),
      summary jsonb NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_claims_arn_idx ON mastercom_claims (acquirer_ref_num) WHERE acquirer_ref_num IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE mastercom_chargebacks (
      chargeback_id text PRIMARY KEY CHECK (chargeback_id ~ '^[0-9]{1,19}$'),
      claim_id text NOT NULL REFERENCES mastercom_claims (claim_id),
      chargeback_type text NOT NULL,
      reason_code text NOT NULL,
      amount_value numeric(15, 3) NOT NULL,
      amount_currency char(3) NOT NULL,
      chargeback_ref_num text,
      create_date text,
      detail jsonb NOT NULL,
      acknowledged_at timestamptz,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_chargebacks_unacknowledged_idx ON mastercom_chargebacks (first_seen_at) WHERE acknowledged_at IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX mastercom_chargebacks_ref_idx ON mastercom_chargebacks (chargeback_ref_num) WHERE chargeback_ref_num IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX mastercom_chargebacks_claim_idx ON mastercom_chargebacks (claim_id)`.execute(
    db,
  );

  await sql`
    CREATE TABLE mastercom_claim_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      claim_id text NOT NULL REFERENCES mastercom_claims (claim_id),
      at timestamptz NOT NULL DEFAULT now(),
      kind text NOT NULL CHECK (kind IN ('DISCOVERED', 'LINKED_TO_ALERT', 'ACKNOWLEDGED', 'CASE_FILED')),
      detail jsonb NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_claim_events_claim_idx ON mastercom_claim_events (claim_id, id)`.execute(
    db,
  );
  // Like the alert trail, the claim trail is evidence and is never rewritten.
  await sql`
    CREATE FUNCTION mastercom_claim_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'mastercom_claim_events is append-only (% refused)', TG_OP;
    END
    $$
  `.execute(db);
  await sql`
    CREATE TRIGGER mastercom_claim_events_append_only BEFORE UPDATE OR DELETE ON mastercom_claim_events
    FOR EACH ROW EXECUTE FUNCTION mastercom_claim_events_append_only()
  `.execute(db);

  await sql`
    CREATE TABLE mastercom_sync_state (
      queue_name text PRIMARY KEY,
      watermark timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);

  await sql`
    CREATE TABLE mastercom_cases (
      case_id text PRIMARY KEY,
      case_type text NOT NULL CHECK (case_type IN ('1', '2', '3', '4')),
      status text NOT NULL CHECK (status IN ('FILED', 'OPEN', 'CLOSED', 'WITHDRAWN')),
      filing_as text NOT NULL CHECK (filing_as IN ('I', 'A')),
      claim_id text REFERENCES mastercom_claims (claim_id),
      alert_id text REFERENCES alerts (alert_id),
      dispute_amount text NOT NULL,
      currency_code char(3) NOT NULL,
      customer_filing_number text NOT NULL UNIQUE,
      last_action text,
      ruling_status text,
      request jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_cases_created_idx ON mastercom_cases (created_at DESC, case_id)`.execute(
    db,
  );
  await sql`
    CREATE TABLE mastercom_case_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      case_id text NOT NULL REFERENCES mastercom_cases (case_id),
      at timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL CHECK (action IN ('FILE', 'ACCEPT', 'REJECT', 'REBUT', 'ESCALATE', 'WITHDRAW')),
      from_status text,
      to_status text NOT NULL,
      memo text NOT NULL,
      document_id uuid
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_case_events_case_idx ON mastercom_case_events (case_id, id)`.execute(
    db,
  );

  await sql`
    CREATE TABLE mastercom_documents (
      document_id uuid PRIMARY KEY,
      case_id text REFERENCES mastercom_cases (case_id),
      chargeback_id text REFERENCES mastercom_chargebacks (chargeback_id),
      claim_id text REFERENCES mastercom_claims (claim_id),
      filename text NOT NULL,
      mastercom_filename text NOT NULL CHECK (char_length(mastercom_filename) BETWEEN 1 AND 16),
      content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/tiff', 'image/jpeg')),
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL,
      memo text,
      uploaded_at timestamptz NOT NULL DEFAULT now(),
      forwarded_at timestamptz,
      CHECK ((case_id IS NULL) <> (chargeback_id IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX mastercom_documents_case_idx ON mastercom_documents (case_id) WHERE case_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX mastercom_documents_chargeback_idx ON mastercom_documents (chargeback_id) WHERE chargeback_id IS NOT NULL`.execute(
    db,
  );
  // The default DocumentStorage keeps the bytes here, apart from the metadata, so listing
  // documents never reads them.
  await sql`
    CREATE TABLE mastercom_document_contents (
      document_id uuid PRIMARY KEY,
      content bytea NOT NULL
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE mastercom_document_contents`.execute(db);
  await sql`DROP TABLE mastercom_documents`.execute(db);
  await sql`DROP TABLE mastercom_case_events`.execute(db);
  await sql`DROP TABLE mastercom_cases`.execute(db);
  await sql`DROP TABLE mastercom_sync_state`.execute(db);
  await sql`DROP TABLE mastercom_claim_events`.execute(db);
  await sql`DROP FUNCTION mastercom_claim_events_append_only()`.execute(db);
  await sql`DROP TABLE mastercom_chargebacks`.execute(db);
  await sql`DROP TABLE mastercom_claims`.execute(db);
}
