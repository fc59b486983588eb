import {
  alertAcknowledgementSchema,
  alertListResponseSchema,
  storedAlertDetailSchema,
  type EthocaAlert,
} from '@mastercom/contracts';
import { createAlert, createAlertDelivery, exampleAlert } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { countAlerts, processAlertJobs, receivedEvents, storedAlerts } from './support/stored.js';
import { deliver, operatorGet, useTestApp } from './support/test-app.js';

const t = useTestApp();

/** The card as the service must keep it: six leading and four trailing digits, nothing else. */
function expectedCard(alert: EthocaAlert): { bin: string; last4: string } {
  const number = alert.cardNumber ?? '';
  return { bin: alert.cardBin ?? number.slice(0, 6), last4: alert.cardLast4 ?? number.slice(-4) };
}

function expectRowMatches(
  row: Awaited<ReturnType<typeof storedAlerts>>[number],
  alert: EthocaAlert,
): void {
  const card = expectedCard(alert);
  expect(row).toMatchObject({
    alert_id: alert.alertId,
    alert_type: alert.alertType,
    status: 'RECEIVED',
    card_bin: card.bin,
    card_last4: card.last4,
    amount_currency: alert.amount.currencyCode,
    acquirer_reference_number: alert.acquirerReferenceNumber ?? null,
    merchant_descriptor: alert.merchantDescriptor,
    alert_timestamp_raw: alert.alertTimestamp,
    transaction_timestamp_raw: alert.transactionTimestamp,
  });
  expect(Number(row.amount_value)).toBe(alert.amount.value);
  if (alert.chargebackAmount) {
    expect(Number(row.chargeback_amount_value)).toBe(alert.chargebackAmount.value);
    expect(row.chargeback_amount_currency).toBe(alert.chargebackAmount.currencyCode);
  } else {
    expect(row.chargeback_amount_value).toBeNull();
  }
  // The wall-clock reading is the raw string padded to milliseconds, never shifted.
  expect(row.alert_timestamp_local).toBe(`${alert.alertTimestamp}.000`.slice(0, 23));
  expect(row.transaction_timestamp_local).toBe(`${alert.transactionTimestamp}.000`.slice(0, 23));
}

describe('a single alert', () => {
  // Winter and summer readings in the member zone (America/New_York): UTC-5 and UTC-4.
  const winter: EthocaAlert = { ...exampleAlert, alertId: 'SINGLEWINTER0000000000001' };
  const summer = createAlert(11, {
    alertId: 'SINGLESUMMER0000000000001',
    alertTimestamp: '2026-07-04T09:00:00',
  });

  it('is acknowledged with SUCCESS only after it is stored with its event and job', async () => {
    const res = await deliver(t.app, winter);
    expect(res.status).toBe(200);
    const ack = alertAcknowledgementSchema.parse(res.body);
    expect(ack.alertResponses).toEqual([{ alertId: winter.alertId, status: 'SUCCESS' }]);

    const [row] = await storedAlerts(t, [winter.alertId]);
    expect(row).toBeDefined();
    expectRowMatches(row!, winter);
    expect(row!.card_bin).toBe('545454');
    expect(row!.card_last4).toBe('5454');
    expect(row!.alert_timestamp_utc).toBe('2026-03-04T14:12:44.120Z');
    expect(await receivedEvents(t, [winter.alertId])).toEqual([
      { alert_id: winter.alertId, from_status: null, to_status: 'RECEIVED', actor: 'system' },
    ]);
    expect(await processAlertJobs(t, [winter.alertId])).toEqual([{ alert_id: winter.alertId }]);
  });

  it('derives the UTC instant with the member zone’s daylight-saving offset', async () => {
    const res = await deliver(t.app, summer);
    expect(res.status).toBe(200);
    const [row] = await storedAlerts(t, [summer.alertId]);
    expect(row!.alert_timestamp_utc).toBe('2026-07-04T13:00:00.000Z');
  });

  it('is served by GET /api/v6/alerts/:id in the stored-alert contract', async () => {
    const res = await operatorGet(t.app, `/api/v6/alerts/${winter.alertId}`);
    expect(res.status).toBe(200);
    const detail = storedAlertDetailSchema.parse(res.body);
    expect(detail).toMatchObject({
      alertId: winter.alertId,
      alertType: winter.alertType,
      status: 'RECEIVED',
      alertTimestamp: { raw: winter.alertTimestamp, wallClock: '2026-03-04T09:12:44.120' },
      transactionTimestamp: {
        raw: winter.transactionTimestamp,
        wallClock: '2026-03-03T14:05:31.000',
      },
      amount: winter.amount,
      chargebackAmount: winter.chargebackAmount,
      card: { bin: '545454', last4: '5454' },
      acquirerReferenceNumber: winter.acquirerReferenceNumber,
      merchantDescriptor: winter.merchantDescriptor,
    });
    expect(detail.events).toHaveLength(1);
    expect(detail.events[0]).toMatchObject({
      fromStatus: null,
      toStatus: 'RECEIVED',
      actor: 'system',
    });
  });

  it('refuses the read API without a bearer token or with a wrong one', async () => {
    const none = await request(t.app).get(`/api/v6/alerts/${winter.alertId}`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await request(t.app)
      .get('/api/v6/alerts')
      .set('authorization', 'Bearer not-the-token');
    expect(wrong.status).toBe(401);
  });

  it('answers 404 for an alert that was never delivered', async () => {
    const res = await operatorGet(t.app, '/api/v6/alerts/NEVERDELIVERED00000000001');
    expect(res.status).toBe(404);
  });
});

describe('a batch delivery', () => {
  const batch = createAlertDelivery(2024, 12);
  const ids = batch.alerts.map((alert) => alert.alertId);

  beforeAll(async () => {
    const res = await deliver(t.app, batch);
    if (res.status !== 200)
      throw new Error(`the batch was not accepted: ${res.status} ${res.text}`);
  });

  it('acknowledges every alert with SUCCESS in delivery order', async () => {
    // Delivering again is allowed (idempotent) and gives the same acknowledgement.
    const res = await deliver(t.app, batch);
    const ack = alertAcknowledgementSchema.parse(res.body);
    expect(ack.alertResponses.map((item) => item.alertId)).toEqual(ids);
    expect(ack.alertResponses.every((item) => item.status === 'SUCCESS')).toBe(true);
  });

  it('stores one row per alert that matches the input, with one event and one job each', async () => {
    const rows = await storedAlerts(t, ids);
    expect(rows).toHaveLength(ids.length);
    for (const alert of batch.alerts) {
      const row = rows.find((candidate) => candidate.alert_id === alert.alertId);
      expect(row).toBeDefined();
      expectRowMatches(row!, alert);
    }
    const events = await receivedEvents(t, ids);
    expect(events.map((event) => event.alert_id).sort()).toEqual([...ids].sort());
    expect(events.every((event) => event.to_status === 'RECEIVED')).toBe(true);
    const jobs = await processAlertJobs(t, ids);
    expect(jobs.map((job) => job.alert_id).sort()).toEqual([...ids].sort());
  });

  it('lists alerts filtered by type and status, page by page with the cursor', async () => {
    const type = 'CONFIRMEDFRAUD';
    const expected = (
      await t.query<{ alert_id: string }>(
        "SELECT alert_id FROM alerts WHERE alert_type = $1 AND status = 'RECEIVED' ORDER BY received_at DESC, alert_id DESC",
        [type],
      )
    ).map((row) => row.alert_id);
    expect(expected.length).toBeGreaterThan(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `type=${type}&status=RECEIVED&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const res = await operatorGet(t.app, `/api/v6/alerts?${query}`);
      expect(res.status).toBe(200);
      const page = alertListResponseSchema.parse(res.body);
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) {
        expect(item.alertType).toBe(type);
        expect(item.status).toBe('RECEIVED');
      }
      seen.push(...page.items.map((item) => item.alertId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 50);

    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('filters by a status no alert has yet and rejects a forged cursor', async () => {
    const none = await operatorGet(t.app, '/api/v6/alerts?status=OUTCOME_SENT');
    expect(alertListResponseSchema.parse(none.body)).toEqual({ items: [], nextCursor: null });
    const forged = await operatorGet(t.app, '/api/v6/alerts?cursor=bm90LWEtY3Vyc29y');
    expect(forged.status).toBe(400);
  });

  it('keeps every stored alert countable by id', async () => {
    expect(await countAlerts(t, ids)).toBe(ids.length);
  });
});
