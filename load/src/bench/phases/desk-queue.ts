import { join } from 'node:path';
import { deskAlertSchema, deskQueueResponseSchema } from '@mastercom/contracts';
import pg from 'pg';
import type { BenchReport } from '../bench-report.js';
import { startService } from '../child-processes.js';
import { summarise } from '../percentiles.js';
import { baseEnvironment, type ServiceContext } from './service-context.js';

/** Alerts in the desk phase's database; one in five waits for an agent. */
export const DESK_ALERTS = 100_000;

/**
 * Phase 5: what an agent waits for at the desk with 100,000 alerts stored. The alerts are written
 * by SQL (one in five UNMATCHED or MATCHED, received over the last 30 hours, 97 merchants), then
 * one agent at a time, as people work, reads: the first page of the queue, the queue filtered by
 * type and by merchant, a walk of 100 pages by cursor, and alert pages. Each figure is the whole
 * HTTP round trip on loopback, the service in production mode with its access log.
 */
export async function measureDeskQueue(
  context: ServiceContext,
  databaseUrl: string,
): Promise<BenchReport['deskQueue']> {
  const { progress } = context;
  const requestsPerKind = context.settings.quick ? 20 : 200;
  const service = await startService(
    { ...baseEnvironment(context, databaseUrl), SERVICE_ROLE: 'web' },
    join(context.reportDir, 'service-desk.log'),
  );
  try {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`
        INSERT INTO alerts (alert_id, alert_type, status, card_bin, card_last4, amount_value,
          amount_currency, merchant_descriptor, alert_timestamp_raw, alert_timestamp_local,
          alert_timestamp_utc, transaction_timestamp_raw, transaction_timestamp_local,
          transaction_timestamp_utc, received_at, payload)
        SELECT 'D' || lpad(i::text, 24, '0'),
          CASE WHEN i % 2 = 0 THEN 'CONFIRMEDFRAUD' ELSE 'CUSTOMERDISPUTE' END,
          CASE WHEN i % 10 = 0 THEN 'UNMATCHED' WHEN i % 10 = 5 THEN 'MATCHED' ELSE 'OUTCOME_SENT' END,
          '545454', '5454', 10 + i % 500, 'USD', 'SHOP ' || (i % 97) || ' ONLINE',
          '2026-12-01T00:00:00.000', '2026-12-01', '2026-12-01',
          '2026-11-30T00:00:00.000', '2026-11-30', '2026-11-30',
          now() - make_interval(secs => (i % 108000)), '{"source":"bench"}'
        FROM generate_series(1, ${String(DESK_ALERTS)}) AS i`);
      await client.query('ANALYZE alerts');
    } finally {
      await client.end();
    }
    progress(
      `desk: ${DESK_ALERTS} alerts stored, ${DESK_ALERTS / 5} waiting; ${requestsPerKind} reads of each kind, one agent at a time`,
    );

    const headers = { authorization: `Bearer ${context.apiToken}` };
    const timed = async (path: string): Promise<{ ms: number; body: unknown }> => {
      const started = performance.now();
      const response = await fetch(`${service.url}${path}`, { headers });
      const body: unknown = await response.json();
      const ms = performance.now() - started;
      if (response.status !== 200) {
        throw new Error(`desk: ${path} answered ${String(response.status)}`);
      }
      return { ms, body };
    };
    const repeat = async (path: () => string): Promise<number[]> => {
      const samples: number[] = [];
      for (let index = 0; index < requestsPerKind; index += 1) {
        samples.push((await timed(path())).ms);
      }
      return samples;
    };

    // Unmeasured: the first requests open the pool's connections and warm the plans.
    for (let index = 0; index < 20; index += 1) await timed('/api/v6/desk/queue?limit=50');

    const firstPage = await repeat(() => '/api/v6/desk/queue?limit=50');
    const byType = await repeat(() => '/api/v6/desk/queue?limit=50&type=CUSTOMERDISPUTE');
    const byMerchant = await repeat(
      () => `/api/v6/desk/queue?limit=50&merchant=${encodeURIComponent('SHOP 42 ')}`,
    );
    const walk: number[] = [];
    const waitingIds: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < (context.settings.quick ? 10 : 100); page += 1) {
      const path = `/api/v6/desk/queue?limit=50${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const { ms, body } = await timed(path);
      const parsed = deskQueueResponseSchema.parse(body);
      walk.push(ms);
      waitingIds.push(...parsed.items.map((item) => item.alertId));
      cursor = parsed.nextCursor;
      if (cursor === null) break;
    }
    const alertPages: number[] = [];
    for (let index = 0; index < requestsPerKind; index += 1) {
      const alertId = waitingIds[(index * 37) % waitingIds.length] ?? '';
      const { ms, body } = await timed(`/api/v6/desk/alerts/${alertId}`);
      deskAlertSchema.parse(body);
      alertPages.push(ms);
    }
    return {
      alerts: DESK_ALERTS,
      waiting: DESK_ALERTS / 5,
      firstPage: summarise(firstPage),
      byType: summarise(byType),
      byMerchant: summarise(byMerchant),
      pageWalk: summarise(walk),
      alertPage: summarise(alertPages),
    };
  } finally {
    await service.stop();
  }
}
