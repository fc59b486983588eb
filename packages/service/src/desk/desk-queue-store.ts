import { DESK_QUEUE_STATUSES, type DeskQueueStatus } from '@mastercom/contracts';
import { sql, type Kysely } from 'kysely';
import type { AlertRow, Database } from '../platform/database/database-schema.js';
import { keysetPage, type AlertCursor } from '../alerts/alert-store.js';

/**
 * The partial index's predicate, as constant SQL text (not parameters) so that PostgreSQL can
 * match it to the index: `status IN ('UNMATCHED', 'MATCHED')`, from the contracts' list.
 */
const WAITING_FOR_AN_AGENT = sql<boolean>`status IN (${sql.raw(
  DESK_QUEUE_STATUSES.map((status) => `'${status}'`).join(', '),
)})`;

export interface DeskQueueFilter {
  status?: DeskQueueStatus | undefined;
  alertType?: string | undefined;
  /** The merchant descriptor starts with this text. */
  merchant?: string | undefined;
  cursor?: AlertCursor | undefined;
  limit: number;
}

/**
 * One page of the alerts waiting for an agent, oldest first: an alert's Ethoca deadline is 24 h
 * after its receipt, so oldest is nearest the deadline. Keyset paging on (received_at, alert_id)
 * over the partial index `alerts_desk_queue_idx`, whose predicate this query repeats so that
 * PostgreSQL can use it (a test reads the plan).
 */
export async function listDeskQueue(
  db: Kysely<Database>,
  filter: DeskQueueFilter,
): Promise<{ rows: AlertRow[]; next: AlertCursor | null }> {
  return keysetPage(await deskQueueQuery(db, filter).execute(), filter.limit);
}

/** The page's query, one row more than the page to know whether another follows. */
export function deskQueueQuery(db: Kysely<Database>, filter: DeskQueueFilter) {
  let query = db.selectFrom('alerts').selectAll().where(WAITING_FOR_AN_AGENT);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.alertType !== undefined) query = query.where('alert_type', '=', filter.alertType);
  if (filter.merchant !== undefined) {
    // starts_with, not LIKE: a % or _ in what the agent typed is a character, not a pattern.
    query = query.where(sql<boolean>`starts_with(merchant_descriptor, ${filter.merchant})`);
  }
  const cursor = filter.cursor;
  if (cursor !== undefined) {
    query = query.where(
      sql<boolean>`(received_at, alert_id) > (${cursor.receivedAt}::timestamptz, ${cursor.alertId})`,
    );
  }
  return query
    .select(
      sql<string>`to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursor_received_at',
      ),
    )
    .orderBy('received_at', 'asc')
    .orderBy('alert_id', 'asc')
    .limit(filter.limit + 1);
}
