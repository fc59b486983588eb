import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlert, exampleAlert } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { countAlerts, processAlertJobs, storedAlerts } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

const t = useTestApp();

describe('a batch mixing valid and invalid alerts', () => {
  const good1 = createAlert(201);
  const good2 = createAlert(202);
  const badCurrency = createAlert(203, { amount: { value: 10, currencyCode: 'usd' } });
  const badType = createAlert(204, { alertType: 'FRAUD' });
  const { alertId: _dropped, ...noId } = createAlert(205);
  const badTwice = createAlert(206, { mcc: 'ABCD', merchantDescriptor: '' });

  it('stores the valid alerts and answers FAILURE naming the field for each invalid one', async () => {
    const res = await deliver(t.app, {
      alerts: [good1, badCurrency, noId, good2, badType, badTwice, 'junk'],
    });
    expect(res.status).toBe(200);
    const responses = alertAcknowledgementSchema.parse(res.body).alertResponses;
    expect(responses.map((item) => [item.alertId, item.status])).toEqual([
      [good1.alertId, 'SUCCESS'],
      [badCurrency.alertId, 'FAILURE'],
      [null, 'FAILURE'],
      [good2.alertId, 'SUCCESS'],
      [badType.alertId, 'FAILURE'],
      [badTwice.alertId, 'FAILURE'],
      [null, 'FAILURE'],
    ]);
    const fields = (index: number) =>
      (responses[index]?.errors ?? []).map((error) => error.Details);
    expect(fields(1)).toEqual(['amount.currencyCode']);
    expect(fields(2)).toEqual(['alertId']);
    expect(fields(4)).toEqual(['alertType']);
    expect(fields(5).sort()).toEqual(['mcc', 'merchantDescriptor']);
    for (const index of [1, 2, 4, 5]) {
      for (const error of responses[index]?.errors ?? []) {
        expect(error.ReasonCode).toBe('VALIDATION_FAILURE');
        expect(error.Description.startsWith(`${error.Details ?? ''}: `)).toBe(true);
        expect(error.Recoverable).toBe(false);
      }
    }
    expect(responses[0]?.errors).toBeUndefined();
  });

  it('stored exactly the valid alerts, each with its job, and nothing for the invalid ones', async () => {
    expect(
      (await storedAlerts(t, [good1.alertId, good2.alertId])).map((row) => row.alert_id).sort(),
    ).toEqual([good1.alertId, good2.alertId].sort());
    expect(await processAlertJobs(t, [good1.alertId, good2.alertId])).toHaveLength(2);
    const rejected = [badCurrency.alertId, badType.alertId, badTwice.alertId];
    expect(await countAlerts(t, rejected)).toBe(0);
    expect(await processAlertJobs(t, rejected)).toEqual([]);
    const [all] = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
    expect(all?.n).toBe(2);
  });

  it('answers 200 with only FAILURE entries when no alert in the batch is valid, storing nothing', async () => {
    const invalid = {
      ...exampleAlert,
      alertId: 'ALLINVALID000000000000001',
      amount: { value: -1, currencyCode: 'USD' },
    };
    const res = await deliver(t.app, { alerts: [invalid] });
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
      expect.objectContaining({ alertId: invalid.alertId, status: 'FAILURE' }),
    ]);
    expect(await countAlerts(t, [invalid.alertId])).toBe(0);
  });
});
