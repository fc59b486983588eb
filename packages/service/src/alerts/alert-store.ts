import {
  OUTCOME_CRITICAL_AGE_MS,
  OUTCOME_DEADLINE_MS,
  OUTCOME_WARNING_AGE_MS,
} from '@mastercom/contracts/slo';
import { sql, type Kysely } from 'kysely';
import type { AlertEventRow, AlertRow, Database } from '../platform/database/database-schema.js';
import { ALERT_STATUSES, FINAL_STATUSES } from './alert-status.js';

export interface AlertListFilter {
  status?: string | undefined;
  alertType?: string | undefined;
  receivedFrom?: Date | undefined;
  receivedTo?: Date | undefined;
  cursor?: AlertCursor | undefined;
  limit: number;
}

/**
 * Keyset position: the list is ordered newest first by (received_at, alert_id). `receivedAt` is
 * the UTC instant with PostgreSQL's full microsecond precision: a JavaScript Date keeps only
 * milliseconds, and a cursor cut to milliseconds would skip every later row of the same
 * millisecond (all alerts of one delivery share one received_at).
 */
export interface AlertCursor {
  receivedAt: string;
  alertId: string;
}

// eslint-disable-next-line security/detect-unsafe-regex -- fixed-width fields; matching is linear
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export function encodeCursor(cursor: AlertCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.alertId])).toString('base64url');
}

/** Returns undefined for anything that is not a cursor this service issued. */
export function decodeCursor(value: string): AlertCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [receivedAt, alertId] = parsed as unknown[];
    if (typeof receivedAt !== 'string' || typeof alertId !== 'string') return undefined;
    if (!CURSOR_INSTANT.test(receivedAt) || Number.isNaN(new Date(receivedAt).getTime()))
      return undefined;
    return { receivedAt, alertId };
  } catch {
    return undefined;
  }
}

export async function listAlerts(
  db: Kysely<Database>,
  filter: AlertListFilter,
): Promise<{ rows: AlertRow[]; next: AlertCursor | null }> {
  let query = db.selectFrom('alerts').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.alertType !== undefined) query = query.where('alert_type', '=', filter.alertType);
  if (filter.receivedFrom !== undefined)
    query = query.where('received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo !== undefined) query = query.where('received_at', '<', filter.receivedTo);
  const cursor = filter.cursor;
  if (cursor !== undefined) {
    query = query.where(
      sql<boolean>`(received_at, alert_id) < (${cursor.receivedAt}::timestamptz, ${cursor.alertId})`,
    );
  }
  const rows = await query
    .select(
      sql<string>`to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursor_received_at',
      ),
    )
    .orderBy('received_at', 'desc')
    .orderBy('alert_id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return keysetPage(rows, filter.limit);
}

/**
 * A page of at most `limit` rows from a query that asked for one more, and the cursor of the next
 * page when that extra row came back.
 */
export function keysetPage(
  rows: readonly (AlertRow & { cursor_received_at: string })[],
  limit: number,
): { rows: AlertRow[]; next: AlertCursor | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next =
    rows.length > limit && last
      ? { receivedAt: last.cursor_received_at, alertId: last.alert_id }
      : null;
  return { rows: page.map(({ cursor_received_at: _cursor, ...row }) => row), next };
}

/** The `cursor` query parameter: absent, a cursor this service issued, or refused. */
export function readCursor(
  value: string | undefined,
): { ok: true; cursor: AlertCursor | undefined } | { ok: false } {
  if (value === undefined) return { ok: true, cursor: undefined };
  const cursor = decodeCursor(value);
  return cursor === undefined ? { ok: false } : { ok: true, cursor };
}

export async function findAlert(
  db: Kysely<Database>,
  alertId: string,
): Promise<{ alert: AlertRow; events: AlertEventRow[] } | undefined> {
  const alert = await db
    .selectFrom('alerts')
    .selectAll()
    .where('alert_id', '=', alertId)
    .executeTakeFirst();
  if (alert === undefined) return undefined;
  const events = await db
    .selectFrom('alert_events')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('id')
    .execute();
  return { alert, events };
}

export interface AlertBacklog {
  lastReceivedAt: Date | null;
  unprocessed: number;
  oldestUnprocessedAt: Date | null;
  /** Alerts without a final outcome, bucketed by age against the 24 h outcome window. */
  deadlines: { ok: number; warning: number; critical: number; overdue: number };
}

/**
 * One round trip for the webhook health endpoint: what arrived last and what is still waiting.
 * Each part filters on an indexed column first; open alerts are few (they are worked within
 * seconds), so bucketing them stays cheap as the table grows.
 */
export async function alertBacklog(db: Kysely<Database>): Promise<AlertBacklog> {
  const open = ALERT_STATUSES.filter((status) => !FINAL_STATUSES.includes(status));
  // The bucket edges are the SLO module's 12 h warning, 20 h critical and 24 h deadline.
  const age = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;
  const { rows } = await sql<{
    last_received_at: Date | null;
    unprocessed: number;
    oldest_unprocessed_at: Date | null;
    ok: number;
    warning: number;
    critical: number;
    overdue: number;
  }>`
    SELECT
      (SELECT max(received_at) FROM alerts) AS last_received_at,
      (SELECT count(*) FROM alerts WHERE status = 'RECEIVED') AS unprocessed,
      (SELECT min(received_at) FROM alerts WHERE status = 'RECEIVED') AS oldest_unprocessed_at,
      count(*) FILTER (WHERE age < ${age(OUTCOME_WARNING_AGE_MS)}) AS ok,
      count(*) FILTER (WHERE age >= ${age(OUTCOME_WARNING_AGE_MS)} AND age < ${age(OUTCOME_CRITICAL_AGE_MS)}) AS warning,
      count(*) FILTER (WHERE age >= ${age(OUTCOME_CRITICAL_AGE_MS)} AND age < ${age(OUTCOME_DEADLINE_MS)}) AS critical,
      count(*) FILTER (WHERE age >= ${age(OUTCOME_DEADLINE_MS)}) AS overdue
    FROM (SELECT now() - received_at AS age FROM alerts WHERE status = ANY(${open})) AS open_alerts
  `.execute(db);
  const row = rows[0];
  return {
    lastReceivedAt: row?.last_received_at ?? null,
    unprocessed: row?.unprocessed ?? 0,
    oldestUnprocessedAt: row?.oldest_unprocessed_at ?? null,
    deadlines: {
      ok: row?.ok ?? 0,
      warning: row?.warning ?? 0,
      critical: row?.critical ?? 0,
      overdue: row?.overdue ?? 0,
    },
  };
}
