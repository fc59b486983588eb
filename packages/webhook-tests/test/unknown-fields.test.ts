import { alertAcknowledgementSchema, storedAlertDetailSchema } from '@mastercom/contracts';
import { createAlert, findCardNumbers } from '@mastercom/contracts/fixtures';
import { describe, expect, it } from 'vitest';
import { storedAlerts } from './support/stored.js';
import { deliver, operatorGet, useTestApp } from './support/test-app.js';

const t = useTestApp();

describe('fields the contract does not know', () => {
  const alert = createAlert(801, {
    cardNumber: '545454******5454',
    cardBin: '545454',
    cardLast4: '5454',
    ethocaRiskScore: 87,
    caseReference: {
      system: 'ETHOCA-360',
      ids: ['A1', 'B2'],
      flags: { escalated: true, note: null },
    },
    amount: {
      value: 12.5,
      currencyCode: 'EUR',
      fxRate: 1.0842,
      original: { value: 13.55, currencyCode: 'USD' },
    },
    issuerNotes: 'cardholder disputes charge on 4111 1111 1111 1111 and 5555-5555-5555-4444',
    history: [{ at: '2026-03-01', detail: { pan: '4242424242424242', raw: 5105105105105100 } }],
  });

  it('are acknowledged and kept in the stored payload, top level and nested', async () => {
    const res = await deliver(t.app, alert);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
      { alertId: alert.alertId, status: 'SUCCESS' },
    ]);
    const [row] = await storedAlerts(t, [alert.alertId]);
    expect(row!.payload).toMatchObject({
      alertId: alert.alertId,
      ethocaRiskScore: 87,
      caseReference: {
        system: 'ETHOCA-360',
        ids: ['A1', 'B2'],
        flags: { escalated: true, note: null },
      },
      amount: {
        value: 12.5,
        currencyCode: 'EUR',
        fxRate: 1.0842,
        original: { value: 13.55, currencyCode: 'USD' },
      },
      history: [{ at: '2026-03-01' }],
    });
  });

  it('have every card number in them masked to BIN and last four', async () => {
    const [row] = await storedAlerts(t, [alert.alertId]);
    const payload = row!.payload as {
      issuerNotes: string;
      history: { detail: { pan: string; raw: unknown } }[];
      cardNumber: string;
    };
    expect(payload.issuerNotes).toBe(
      'cardholder disputes charge on 411111******1111 and 555555******4444',
    );
    expect(payload.history[0]?.detail.pan).toBe('424242******4242');
    expect(payload.history[0]?.detail.raw).toBe('510510******5100');
    expect(payload.cardNumber).toBe('545454******5454');
    expect(findCardNumbers(JSON.stringify(row!.payload))).toEqual([]);
  });

  it('are returned by the read API inside the payload', async () => {
    const res = await operatorGet(t.app, `/api/v6/alerts/${alert.alertId}`);
    const detail = storedAlertDetailSchema.parse(res.body);
    expect(detail.payload).toMatchObject({
      ethocaRiskScore: 87,
      caseReference: { system: 'ETHOCA-360' },
    });
    expect(findCardNumbers(res.text)).toEqual([]);
  });
});
