import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { processAlertJobs, receivedEvents, storedAlerts } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

const t = useTestApp({ poolMax: 10 });

async function expectStoredOnce(alertId: string): Promise<void> {
  expect(await storedAlerts(t, [alertId])).toHaveLength(1);
  expect(await receivedEvents(t, [alertId])).toHaveLength(1);
  expect(await processAlertJobs(t, [alertId])).toEqual([{ alert_id: alertId }]);
}

describe('redelivery of the same alert', () => {
  it('stores one row and one job, and acknowledges both deliveries with SUCCESS', async () => {
    const alert = createAlert(101);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const res = await deliver(t.app, alert);
      expect(res.status).toBe(200);
      expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
        { alertId: alert.alertId, status: 'SUCCESS' },
      ]);
    }
    await expectStoredOnce(alert.alertId);
  });

  it('keeps the first version when a redelivery differs', async () => {
    const first = createAlert(102, { merchantDescriptor: 'FIRST COPY' });
    await deliver(t.app, first).expect(200);
    await deliver(t.app, { ...first, merchantDescriptor: 'SECOND COPY' }).expect(200);
    const [row] = await storedAlerts(t, [first.alertId]);
    expect(row!.merchant_descriptor).toBe('FIRST COPY');
    await expectStoredOnce(first.alertId);
  });

  it('stores one row and one job for 20 concurrent deliveries, all acknowledged with SUCCESS', async () => {
    const alert = createAlert(103);
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(t.app, alert)));
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
        { alertId: alert.alertId, status: 'SUCCESS' },
      ]);
    }
    await expectStoredOnce(alert.alertId);
  });

  it('counts the concurrent copies as duplicates, not as new alerts', async () => {
    const before = { accepted: t.stats.accepted, duplicate: t.stats.duplicate };
    const alert = createAlert(104);
    await Promise.all(Array.from({ length: 5 }, () => deliver(t.app, alert)));
    expect(t.stats.accepted - before.accepted).toBe(1);
    expect(t.stats.duplicate - before.duplicate).toBe(4);
  });
});

describe('a batch that carries the same alert twice', () => {
  it('acknowledges both items with SUCCESS and stores the first copy once', async () => {
    const alert = createAlert(105, { merchantDescriptor: 'FIRST IN BATCH' });
    const other = createAlert(106);
    const res = await deliver(t.app, {
      alerts: [alert, other, { ...alert, merchantDescriptor: 'SECOND IN BATCH' }],
    });
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
      { alertId: alert.alertId, status: 'SUCCESS' },
      { alertId: other.alertId, status: 'SUCCESS' },
      { alertId: alert.alertId, status: 'SUCCESS' },
    ]);
    const [row] = await storedAlerts(t, [alert.alertId]);
    expect(row!.merchant_descriptor).toBe('FIRST IN BATCH');
    await expectStoredOnce(alert.alertId);
    await expectStoredOnce(other.alertId);
  });
});
