import { sql, type Kysely } from 'kysely';

// Refunds are reserved before the PSP is asked. A reservation is an `alert_refunds` row in
// REQUESTED (or PENDING, while the PSP has not answered finally) whose amount is also counted in
// `merchant_transactions.refund_reserved_value`; a final answer moves it into `refunded_value`
// (SUCCEEDED) or releases it (FAILED, NOT_SETTLED). The CHECK makes the invariant the database's
// own: what was refunded plus what is reserved never exceeds the transaction's amount, whatever
// the code above it does. The decision that asked for the refund is kept with it, so a worker that
// resumes after a crash asks the PSP for the same amount for the same reason.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE merchant_transactions
      ADD COLUMN refund_reserved_value numeric(15, 3) NOT NULL DEFAULT 0,
      ADD CONSTRAINT merchant_transactions_refunds_within_amount CHECK (
        refunded_value >= 0
        AND refund_reserved_value >= 0
        AND refunded_value + refund_reserved_value <= amount_value
      )
  `.execute(db);
  await sql`
    ALTER TABLE alert_refunds
      DROP CONSTRAINT alert_refunds_status_check,
      ADD CONSTRAINT alert_refunds_status_check
        CHECK (status IN ('REQUESTED', 'PENDING', 'SUCCEEDED', 'FAILED', 'NOT_SETTLED')),
      ADD CONSTRAINT alert_refunds_amount_positive CHECK (amount_value > 0),
      ADD COLUMN decision jsonb
  `.execute(db);
  await sql`CREATE INDEX alert_refunds_transaction_idx ON alert_refunds (transaction_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX alert_refunds_transaction_idx`.execute(db);
  await sql`
    ALTER TABLE alert_refunds
      DROP COLUMN decision,
      DROP CONSTRAINT alert_refunds_amount_positive,
      DROP CONSTRAINT alert_refunds_status_check,
      ADD CONSTRAINT alert_refunds_status_check
        CHECK (status IN ('SUCCEEDED', 'PENDING', 'FAILED', 'NOT_SETTLED'))
  `.execute(db);
  await sql`
    ALTER TABLE merchant_transactions
      DROP CONSTRAINT merchant_transactions_refunds_within_amount,
      DROP COLUMN refund_reserved_value
  `.execute(db);
}
