import {
  DESK_QUEUE_STATUSES,
  deskQueueResponseSchema,
  type DeskQueueItem,
} from '@mastercom/contracts';
import { DECIDABLE_STATUSES, deskQueueQuery } from '@mastercom/service';
import { CompiledQuery } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeAlerts, usdAlert } from './support/processing.js';
import { operatorGet, ROLE_TOKENS, useTestApp } from './support/test-app.js';

// The agents' queue on PostgreSQL: what waits for a person, nearest deadline first, filtered and
// paged; and the plan PostgreSQL picks with 100,000 alerts in the table.
const t = useTestApp();
const HOUR = 3_600_000;

/** Alert `seed` put in `status`, received `hoursAgo` ago, by SQL (a test sets the scene). */
async function place(seed: number, status: string, hoursAgo: number, fields = {}) {
  const alert = usdAlert(seed, fields);
  await storeAlerts(t, [alert]);
  await t.query(
    `UPDATE alerts SET status = $2, received_at = now() - make_interval(secs => $3) WHERE alert_id = $1`,
    [alert.alertId, status, (hoursAgo * HOUR) / 1000],
  );
  return alert.alertId;
}

async function queue(
  query = '',
): Promise<{ status: number; items: DeskQueueItem[]; next: string | null }> {
  const res = await operatorGet(t.app, `/api/v6/desk/queue${query === '' ? '' : `?${query}`}`);
  if (res.status !== 200) return { status: res.status, items: [], next: null };
  const body = deskQueueResponseSchema.parse(res.body);
  return { status: 200, items: body.items, next: body.nextCursor };
}

describe('the agents queue', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids.overdue = await place(9001, 'UNMATCHED', 25);
    ids.critical = await place(9002, 'MATCHED', 21, { merchantDescriptor: 'ACME%STORE 1' });
    ids.warning = await place(9003, 'UNMATCHED', 13, { alertType: 'CUSTOMERDISPUTE' });
    ids.fresh = await place(9004, 'UNMATCHED', 1, { merchantDescriptor: 'ACMEXSTORE 2' });
    ids.sent = await place(9005, 'OUTCOME_SENT', 30);
    ids.pending = await place(9006, 'OUTCOME_PENDING', 22);
    ids.refunding = await place(9007, 'REFUND_REQUESTED', 23);
  });

  it('lists exactly the alerts an agent can decide, nearest deadline first, with their buckets', async () => {
    expect(DECIDABLE_STATUSES.toSorted()).toEqual([...DESK_QUEUE_STATUSES].sort());
    const { items } = await queue();
    expect(items.map((item) => [item.alertId, item.deadlineBucket])).toEqual([
      [ids.overdue, 'overdue'],
      [ids.critical, 'critical'],
      [ids.warning, 'warning'],
      [ids.fresh, 'ok'],
    ]);
    for (const item of items) {
      expect(Date.parse(item.deadlineAt) - Date.parse(item.receivedAt)).toBe(24 * HOUR);
      expect(item).not.toHaveProperty('payload');
    }
  });

  it('filters by status, type and the start of the merchant descriptor, taken literally', async () => {
    expect((await queue('status=MATCHED')).items.map((item) => item.alertId)).toEqual([
      ids.critical,
    ]);
    expect((await queue('type=CUSTOMERDISPUTE')).items.map((item) => item.alertId)).toEqual([
      ids.warning,
    ]);
    // `%` is a character here, not a LIKE pattern: only the descriptor with a real % matches.
    expect((await queue('merchant=ACME%25')).items.map((item) => item.alertId)).toEqual([
      ids.critical,
    ]);
    expect((await queue('status=OUTCOME_SENT')).status).toBe(400);
    expect((await queue('cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
  });

  it('pages with a cursor, every alert once and in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await queue(`limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...page.items.map((item) => item.alertId));
      cursor = page.next;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual([ids.overdue, ids.critical, ids.warning, ids.fresh]);
    expect(pages).toBe(2);
  });

  it('lets the read role look, and nobody without a token', async () => {
    const read = await request(t.app)
      .get('/api/v6/desk/queue')
      .set('authorization', `Bearer ${ROLE_TOKENS.read}`);
    expect(read.status).toBe(200);
    expect((await request(t.app).get('/api/v6/desk/queue')).status).toBe(401);
  });

  it('reads a page from its partial index with no sort, with 100,000 alerts stored', async () => {
    // 100,000 alerts, one in five waiting for an agent, received over the last 30 hours.
    await t.query(`
      INSERT INTO alerts (alert_id, alert_type, status, card_bin, card_last4, amount_value,
        amount_currency, merchant_descriptor, alert_timestamp_raw, alert_timestamp_local,
        alert_timestamp_utc, transaction_timestamp_raw, transaction_timestamp_local,
        transaction_timestamp_utc, received_at, payload)
      SELECT 'Q' || lpad(i::text, 24, '0'),
        CASE WHEN i % 2 = 0 THEN 'CONFIRMEDFRAUD' ELSE 'CUSTOMERDISPUTE' END,
        CASE WHEN i % 5 = 0 THEN 'UNMATCHED' ELSE 'OUTCOME_SENT' END,
        '545454', '5454', 10, 'USD', 'SHOP ' || (i % 97),
        '2026-12-01T00:00:00.000', '2026-12-01', '2026-12-01',
        '2026-11-30T00:00:00.000', '2026-11-30', '2026-11-30',
        now() - make_interval(secs => (i % 108000)), '{}'
      FROM generate_series(1, 100000) AS i`);
    await t.query('ANALYZE alerts');
    for (const filter of [
      { limit: 50 },
      { limit: 50, alertType: 'CUSTOMERDISPUTE' },
      { limit: 50, status: 'UNMATCHED' as const, merchant: 'SHOP 1' },
      {
        limit: 50,
        cursor: { receivedAt: new Date(Date.now() - 20 * HOUR).toISOString(), alertId: 'Q' },
      },
    ]) {
      const compiled = deskQueueQuery(t.db, filter).compile();
      const { rows } = await t.db.executeQuery<{ 'QUERY PLAN': unknown }>(
        CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
      );
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toContain('"Index Name":"alerts_desk_queue_idx"');
      expect(plan).not.toContain('"Node Type":"Sort"');
    }
    const first = await queue('limit=50');
    expect(first.items).toHaveLength(50);
    expect(first.items[0]?.deadlineBucket).toBe('overdue');
  });
});
