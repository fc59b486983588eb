import { sql, type Kysely } from 'kysely';

// The desk's alert page (`GET /api/v6/desk/alerts/{alertId}`) reads the Mastercom claims linked to
// the alert and the cases filed for it or for those claims. Without these, each read scans both
// tables; claims and cases accumulate for as long as alerts do. Partial: most rows link nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX mastercom_claims_alert_idx ON mastercom_claims (alert_id) WHERE alert_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX mastercom_cases_alert_idx ON mastercom_cases (alert_id) WHERE alert_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX mastercom_cases_claim_idx ON mastercom_cases (claim_id) WHERE claim_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX mastercom_cases_claim_idx`.execute(db);
  await sql`DROP INDEX mastercom_cases_alert_idx`.execute(db);
  await sql`DROP INDEX mastercom_claims_alert_idx`.execute(db);
}
