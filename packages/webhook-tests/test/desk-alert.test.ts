import { deskAlertSchema, deskSessionSchema } from '@mastercom/contracts';
import { transactionForAlert } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  importTransactions,
  storeAlerts,
  storedTransactionAt,
  usdAlert,
  useProcessing,
} from './support/processing.js';
import { operatorGet, ROLE_TOKENS, useTestApp } from './support/test-app.js';

// What the desk reads of one alert, on PostgreSQL: the alert worked by the real rules, refunded
// at the mock PSP and reported to the mock Ethoca, with a Mastercom claim and case beside it.
const t = useTestApp();
const processing = useProcessing(t, { refundCeilings: { USD: 500 } });

async function deskAlert(alertId: string, token: string = ROLE_TOKENS.read) {
  return request(t.app)
    .get(`/api/v6/desk/alerts/${encodeURIComponent(alertId)}`)
    .set('authorization', `Bearer ${token}`);
}

describe('the desk view of one alert', () => {
  const refunded = usdAlert(7101, { value: 120 });
  const unmatched = usdAlert(7102, { alertType: 'CUSTOMERDISPUTE' });
  let merchantTransactionId = '';

  beforeAll(async () => {
    await storeAlerts(t, [refunded, unmatched]);
    const at = await storedTransactionAt(t, refunded.alertId);
    const record = transactionForAlert(refunded, { transactionAt: at.toISOString() });
    merchantTransactionId = record.transactionId;
    await importTransactions(t, [record]);
    await processing.process(refunded.alertId);
    await processing.process(unmatched.alertId);
    const flushed = await processing.dispatcher().flush();
    if (flushed !== 2) throw new Error(`the dispatcher sent ${String(flushed)} outcomes, not 2`);
    // A claim the Mastercom sync linked to the alert, its chargeback, and a case filed on it.
    await t.query(
      `INSERT INTO mastercom_claims (claim_id, queue_name, acquirer_ref_num, claim_type, is_open, alert_id, summary)
       VALUES ('200002020654', 'Unworked', $2, 'Standard', true, $1, '{}')`,
      [refunded.alertId, refunded.acquirerReferenceNumber ?? null],
    );
    await t.query(
      `INSERT INTO mastercom_chargebacks (chargeback_id, claim_id, chargeback_type, reason_code,
         amount_value, amount_currency, chargeback_ref_num, detail)
       VALUES ('300018439680', '200002020654', 'CHARGEBACK', '4837', 120, 'USD', '1234567890', '{}')`,
    );
    await t.query(
      `INSERT INTO mastercom_cases (case_id, case_type, status, filing_as, claim_id, alert_id,
         dispute_amount, currency_code, customer_filing_number, request)
       VALUES ('4455', '1', 'FILED', 'A', '200002020654', NULL, '120.00', 'USD', '77', '{}')`,
    );
  });

  it('holds the alert, its transaction, refund, outcome as Ethoca took it, claims and cases', async () => {
    const res = await deskAlert(refunded.alertId);
    expect(res.status).toBe(200);
    const view = deskAlertSchema.parse(res.body);
    expect(view.alert.alertId).toBe(refunded.alertId);
    expect(view.alert.status).toBe('OUTCOME_SENT');
    expect(view.alert.events.map((event) => event.toStatus)).toEqual([
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
      'OUTCOME_SENT',
    ]);
    expect(view.decidable).toBe(false);
    expect(view.transaction?.transactionId).toBe(merchantTransactionId);
    expect(view.transaction?.card).toEqual({ bin: '545454', last4: '5454' });
    expect(view.refunds).toHaveLength(1);
    expect(view.refunds[0]?.status).toBe('SUCCEEDED');
    expect(Number(view.refunds[0]?.amount.value)).toBe(120);
    expect(view.outcome?.decidedBy).toBe('rule');
    expect(view.outcome?.delivery).toBe('SENT');
    expect(view.outcome?.sentAt).not.toBeNull();
    expect(view.outcome?.outcome.refundStatus).toBe('REFUNDED');
    // What the mock Ethoca received is what the desk shows as sent.
    expect(processing.ethoca.outcomes.get(refunded.alertId)?.outcome).toEqual(
      view.outcome?.outcome,
    );
    expect(view.claims).toEqual([
      expect.objectContaining({
        claimId: '200002020654',
        chargebacks: [
          expect.objectContaining({ chargebackId: '300018439680', chargebackRefNum: '1234567890' }),
        ],
      }),
    ]);
    expect(view.cases.map((record) => record.caseId)).toEqual(['4455']);
    expect(Date.parse(view.deadlineAt) - Date.parse(view.alert.receivedAt)).toBe(86_400_000);
    expect(view.deadlineBucket).toBe('ok');
  });

  it('says an unmatched alert has nothing hanging on it yet and may be decided', async () => {
    const held = usdAlert(7103);
    await storeAlerts(t, [held]);
    await processing.process(held.alertId, { unmatchedHoldMs: 3_600_000 });
    const view = deskAlertSchema.parse((await deskAlert(held.alertId, ROLE_TOKENS.agent)).body);
    expect(view.alert.status).toBe('UNMATCHED');
    expect(view.decidable).toBe(true);
    expect(view).toMatchObject({
      transaction: null,
      refunds: [],
      outcome: null,
      claims: [],
      cases: [],
    });
  });

  it('answers 404, 401 and 403 as problems', async () => {
    const missing = await deskAlert('NO-SUCH-ALERT');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: 'Not found' });
    expect((await request(t.app).get(`/api/v6/desk/alerts/${refunded.alertId}`)).status).toBe(401);
    expect((await deskAlert(refunded.alertId, ROLE_TOKENS.ledger)).status).toBe(403);
  });
});

describe('the desk session', () => {
  it("tells the desk the token's role and whether it may decide", async () => {
    const session = async (token: string) =>
      request(t.app).get('/api/v6/desk/session').set('authorization', `Bearer ${token}`);
    for (const [role, mayDecide] of [
      ['read', false],
      ['agent', true],
      ['admin', true],
    ] as const) {
      const res = await session(ROLE_TOKENS[role]);
      expect(res.status).toBe(200);
      expect(deskSessionSchema.parse(res.body)).toEqual({ role, mayDecide });
    }
    expect((await session(ROLE_TOKENS.ledger)).status).toBe(403);
    expect((await session('not-a-token')).status).toBe(401);
    expect((await operatorGet(t.app, '/api/v6/desk/session')).body).toEqual({
      role: 'admin',
      mayDecide: true,
    });
  });
});
