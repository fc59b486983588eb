import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import type { Actor } from './alert-moves.js';

/**
 * Appends an event that leaves the alert where it is (its `from` and `to` are its current status,
 * read in the same statement): something happened to the alert's transaction that does not
 * change its outcome, such as a chargeback. Returns false when there is no such alert.
 */
export async function noteAlertEvent(
  db: Kysely<Database>,
  note: { alertId: string; actor: Actor; reason: string; detail?: Record<string, unknown> },
): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason, detail)
    SELECT alert_id, status, status, ${note.actor}, ${note.reason},
           ${note.detail === undefined ? null : JSON.stringify(note.detail)}::jsonb
      FROM alerts WHERE alert_id = ${note.alertId}
    RETURNING id
  `.execute(db);
  return rows.length === 1;
}
