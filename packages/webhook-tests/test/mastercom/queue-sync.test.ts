import { createAlert } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { deliver } from '../support/test-app.js';
import { useMastercomSuite } from './support/mastercom-suite.js';

// Pages of 100 claims, so 250 claims also take the paging path of POST /v6/queues.
const t = useMastercomSuite({ pageSize: 100 });

function acknowledgementSizes(): number[] {
  return t.mastercom.acknowledgements.map((list) => list.length);
}

describe('Mastercom queue sync', () => {
  it('stores 250 new chargebacks and acknowledges them in exactly 3 calls: 100 + 100 + 50', async () => {
    const seeded = t.mastercom.seedUnworked(250, 1);
    const result = await t.newSync().run();

    expect(result).toMatchObject({
      queues: [{ queueName: 'Unworked', claimsRead: 250, newClaims: 250, newChargebacks: 250 }],
      acknowledged: 250,
      acknowledgementCalls: 3,
      acknowledgementFailures: 0,
    });
    expect(acknowledgementSizes()).toEqual([100, 100, 50]);
    const queueReads = t.mastercom.received.filter(
      (request) => request.method === 'POST' && request.path === '/mastercom/v6/queues',
    );
    // The 30-day lookback is read in intervals of at most 5 days (exact page counts); the
    // claims, all modified just now, fill three pages of the last interval.
    const reads = queueReads.map(
      (request) =>
        request.body as {
          lastModifiedDateFrom: string;
          lastModifiedDateTo: string;
          pageNb: string;
        },
    );
    const intervals = new Set(reads.map((read) => read.lastModifiedDateFrom));
    expect(intervals.size).toBe(6);
    for (const read of reads) {
      const days =
        (Date.parse(`${read.lastModifiedDateTo}Z`) - Date.parse(`${read.lastModifiedDateFrom}Z`)) /
        86_400_000;
      expect(days).toBeLessThanOrEqual(5);
    }
    const last = reads.at(-1)?.lastModifiedDateFrom;
    expect(
      reads.filter((read) => read.lastModifiedDateFrom === last).map((read) => read.pageNb),
    ).toEqual(['1', '2', '3']);
    const [counts] = await t.query<{ claims: number; chargebacks: number; acknowledged: number }>(
      `SELECT (SELECT count(*)::int FROM mastercom_claims) AS claims,
              (SELECT count(*)::int FROM mastercom_chargebacks) AS chargebacks,
              (SELECT count(*)::int FROM mastercom_chargebacks WHERE acknowledged_at IS NOT NULL) AS acknowledged`,
    );
    expect(counts).toEqual({ claims: 250, chargebacks: 250, acknowledged: 250 });
    // Every acknowledged claim moved to Worked in Mastercom too.
    expect(
      seeded.every(
        (claim) => t.mastercom.claims.get(claim.summary.claimId)?.summary.queueName === 'Worked',
      ),
    ).toBe(true);
  });

  it('resumes from the saved watermark after a restart and acknowledges nothing twice', async () => {
    const [state] = await t.query<{ watermark: string }>(
      `SELECT to_char(watermark AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS watermark
         FROM mastercom_sync_state WHERE queue_name = 'Unworked'`,
    );
    expect(state?.watermark).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);

    // A new sync object is what a restarted worker has: only the database carries over.
    const restarted = await t.newSync().run();
    expect(restarted).toMatchObject({ acknowledged: 0, acknowledgementCalls: 0 });
    const read = t.mastercom.received.find((request) => request.method === 'POST');
    expect(read?.body).toMatchObject({ lastModifiedDateFrom: state?.watermark });
    expect(t.mastercom.received.some((request) => request.path.includes('/v6/claims/'))).toBe(
      false,
    );

    t.mastercom.seedUnworked(30, 2);
    const next = await t.newSync().run();
    expect(next).toMatchObject({ acknowledged: 30, acknowledgementCalls: 1 });
    expect(acknowledgementSizes()).toEqual([30]);
    const [twice] = await t.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM mastercom_claim_events
        WHERE kind = 'ACKNOWLEDGED' GROUP BY detail->>'chargebackId' ORDER BY count(*) DESC LIMIT 1`,
    );
    expect(twice?.n).toBe(1);
  });

  it('links a claim to the earlier alert with the same ARN on both sides without changing its status', async () => {
    const alert = createAlert(77, { acquirerReferenceNumber: '74837261098765432109876' });
    const delivered = await deliver(t.app, { alerts: [alert] });
    expect(delivered.status).toBe(200);
    const [before] = await t.query<{ status: string }>(
      'SELECT status FROM alerts WHERE alert_id = $1',
      [alert.alertId],
    );
    const [claim] = t.mastercom.seedUnworked(1, 3, { acquirerRefNum: '74837261098765432109876' });
    t.mastercom.seedUnworked(2, 4);

    const result = await t.newSync().run();
    expect(result).toMatchObject({ queues: [{ linkedToAlerts: 1 }] });

    const events = await t.query<{
      from_status: string;
      to_status: string;
      actor: string;
      reason: string;
    }>(
      `SELECT from_status, to_status, actor, reason FROM alert_events
        WHERE alert_id = $1 AND reason LIKE 'became a chargeback%'`,
      [alert.alertId],
    );
    expect(events).toEqual([
      {
        from_status: before?.status,
        to_status: before?.status,
        actor: 'system',
        reason: expect.stringContaining(`Mastercom claim ${claim!.summary.claimId}`) as string,
      },
    ]);
    const [after] = await t.query<{ status: string }>(
      'SELECT status FROM alerts WHERE alert_id = $1',
      [alert.alertId],
    );
    expect(after?.status).toBe(before?.status);
    const claimSide = await t.query<{ alert_id: string; kind: string; linked: string }>(
      `SELECT c.alert_id, e.kind, e.detail->>'alertId' AS linked
         FROM mastercom_claims c JOIN mastercom_claim_events e USING (claim_id)
        WHERE c.claim_id = $1 AND e.kind = 'LINKED_TO_ALERT'`,
      [claim!.summary.claimId],
    );
    expect(claimSide).toEqual([
      { alert_id: alert.alertId, kind: 'LINKED_TO_ALERT', linked: alert.alertId },
    ]);
    expect(t.metrics.mockBuffer).toContain('mastercom.alerts.became_chargeback:1|c');
  });

  it('backs off on a 429 from the gateway and then completes the sync', async () => {
    t.mastercom.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 1 });
    t.mastercom.seedUnworked(5, 5);
    const started = Date.now();
    const result = await t.newSync().run();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result).toMatchObject({ acknowledged: 5, acknowledgementCalls: 1 });
    expect(t.mastercom.received.slice(0, 2).map((request) => request.status)).toEqual([429, 200]);
  });

  it('keeps the watermark where it was when a run fails, so the next run reads the same claims', async () => {
    t.mastercom.seedUnworked(3, 6);
    const watermark = () =>
      t.query<{ watermark: Date }>(
        "SELECT watermark FROM mastercom_sync_state WHERE queue_name = 'Unworked'",
      );
    const [before] = await watermark();
    t.mastercom.failNextWith(1, {
      status: 400,
      envelope: 'v6',
      reasonCode: 'INVALID_REQUEST',
      recoverable: false,
    });
    await expect(t.newSync().run()).rejects.toMatchObject({
      reasonCode: 'INVALID_REQUEST',
      recoverable: false,
    });
    const [after] = await watermark();
    expect(after?.watermark.getTime()).toBe(before?.watermark.getTime());
    const next = await t.newSync().run();
    expect(next).toMatchObject({ queues: [{ newChargebacks: 3 }], acknowledged: 3 });
  });
});
