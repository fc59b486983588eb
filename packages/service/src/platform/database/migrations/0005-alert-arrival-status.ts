import { sql, type Kysely } from 'kysely';

// An alert is stored in its arrival status by the column's default, so the ingest's insert names
// no status: the lifecycle module (`lifecycle/`) is the only code that writes one. A test checks
// that this default is the lifecycle's ARRIVAL_STATUS.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts ALTER COLUMN status SET DEFAULT 'RECEIVED'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts ALTER COLUMN status DROP DEFAULT`.execute(db);
}
