import { sql, type Kysely } from 'kysely';

// Processing: the merchant's transactions (the default MerchantLedger), how each alert was
// matched, the refund asked of the PSP, and the outcome outbox that delivers exactly one final
// outcome per alert to Ethoca.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE merchant_transactions (
      transaction_id text PRIMARY KEY,
      acquirer_reference_number text,
      card_bin text NOT NULL CHECK (card_bin ~ '^[0-9]{6,8}$'),
      card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
      amount_value numeric(15, 3) NOT NULL CHECK (amount_value > 0),
      amount_currency char(3) NOT NULL,
      auth_code text,
      transaction_at timestamptz(3) NOT NULL,
      descriptor text,
      settled boolean NOT NULL DEFAULT true,
      fulfilment text NOT NULL CHECK (fulfilment IN ('NOT_FULFILLED', 'FULFILLED', 'CANCELLED')),
      refunded_value numeric(15, 3) NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX merchant_transactions_arn_idx ON merchant_transactions (acquirer_reference_number) WHERE acquirer_reference_number IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX merchant_transactions_card_idx ON merchant_transactions (card_bin, card_last4, amount_currency, amount_value, transaction_at)`.execute(
    db,
  );

  await sql`
    ALTER TABLE alerts
      ADD COLUMN matched_transaction_id text REFERENCES merchant_transactions (transaction_id),
      ADD COLUMN match_method text CHECK (match_method IN ('arn', 'card_amount_time'))
  `.execute(db);

  await sql`
    CREATE TABLE alert_refunds (
      alert_id text PRIMARY KEY REFERENCES alerts (alert_id),
      transaction_id text NOT NULL REFERENCES merchant_transactions (transaction_id),
      amount_value numeric(15, 3) NOT NULL,
      amount_currency char(3) NOT NULL,
      status text NOT NULL CHECK (status IN ('SUCCEEDED', 'PENDING', 'FAILED', 'NOT_SETTLED')),
      psp_refund_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);

  // One row per alert, ever: the primary key is what makes a second final outcome impossible.
  await sql`
    CREATE TABLE alert_outcomes (
      alert_id text PRIMARY KEY REFERENCES alerts (alert_id),
      outcome jsonb NOT NULL,
      decided_by text NOT NULL CHECK (decided_by IN ('rule', 'agent')),
      state text NOT NULL CHECK (state IN ('PENDING', 'IN_FLIGHT', 'SENT', 'FAILED', 'DEAD_LETTER')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX alert_outcomes_due_idx ON alert_outcomes (next_attempt_at) WHERE state IN ('PENDING', 'IN_FLIGHT')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE alert_outcomes`.execute(db);
  await sql`DROP TABLE alert_refunds`.execute(db);
  await sql`ALTER TABLE alerts DROP COLUMN match_method, DROP COLUMN matched_transaction_id`.execute(
    db,
  );
  await sql`DROP TABLE merchant_transactions`.execute(db);
}
