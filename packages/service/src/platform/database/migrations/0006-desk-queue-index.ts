import { sql, type Kysely } from 'kysely';

// The agents' queue (`GET /api/v6/desk/queue`) reads the alerts waiting for a person, oldest
// first, a page at a time. A partial index holds only those (few, against every alert ever
// received) in the queue's order, so a page is an index range scan with no sort at any table size.
// The statuses are the contracts' DESK_QUEUE_STATUSES as of this migration; the queue builds its
// predicate from that list, and a test fails when the plan stops using this index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX alerts_desk_queue_idx ON alerts (received_at, alert_id)
    WHERE status IN ('UNMATCHED', 'MATCHED')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX alerts_desk_queue_idx`.execute(db);
}
