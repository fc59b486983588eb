import { sql, type Kysely } from 'kysely';

// Alerts and their append-only event trail. Timestamps from Ethoca arrive in the member's local
// time without an offset: the raw string is kept as received, the wall-clock value is kept as a
// `timestamp`, and the UTC instant is derived with the configured member time zone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE alerts (
      alert_id text PRIMARY KEY CHECK (char_length(alert_id) = 25),
      alert_type text NOT NULL,
      status text NOT NULL,
      card_bin text CHECK (card_bin ~ '^[0-9]{6,8}$'),
      card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
      amount_value numeric(15, 3) NOT NULL,
      amount_currency char(3) NOT NULL,
      chargeback_amount_value numeric(15, 3),
      chargeback_amount_currency char(3),
      acquirer_reference_number text,
      merchant_descriptor text,
      alert_timestamp_raw text NOT NULL,
      alert_timestamp_local timestamp(3) NOT NULL,
      alert_timestamp_utc timestamptz(3) NOT NULL,
      transaction_timestamp_raw text,
      transaction_timestamp_local timestamp(3),
      transaction_timestamp_utc timestamptz(3),
      received_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL
    )
  `.execute(db);
  await sql`CREATE INDEX alerts_received_at_idx ON alerts (received_at, alert_id)`.execute(db);
  await sql`CREATE INDEX alerts_status_received_at_idx ON alerts (status, received_at)`.execute(db);
  await sql`CREATE INDEX alerts_arn_idx ON alerts (acquirer_reference_number) WHERE acquirer_reference_number IS NOT NULL`.execute(
    db,
  );

  await sql`
    CREATE TABLE alert_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      alert_id text NOT NULL REFERENCES alerts (alert_id),
      at timestamptz NOT NULL DEFAULT now(),
      from_status text,
      to_status text NOT NULL,
      actor text NOT NULL CHECK (actor IN ('rule', 'agent', 'system')),
      reason text NOT NULL,
      detail jsonb
    )
  `.execute(db);
  await sql`CREATE INDEX alert_events_alert_id_idx ON alert_events (alert_id, id)`.execute(db);

  // The trail is evidence of who decided what; the database refuses to rewrite it.
  await sql`
    CREATE FUNCTION alert_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'alert_events is append-only (% refused)', TG_OP;
    END
    $$
  `.execute(db);
  await sql`
    CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION alert_events_append_only()
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE alert_events`.execute(db);
  await sql`DROP FUNCTION alert_events_append_only()`.execute(db);
  await sql`DROP TABLE alerts`.execute(db);
}
