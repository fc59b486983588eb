import { caseDetailSchema, caseListResponseSchema, PROBLEM_TYPES } from '@mastercom/contracts';
import { createCaseRequest } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_TOKEN, useMastercomSuite } from './support/mastercom-suite.js';

// A short client timeout so that a delayed answer from the mock counts as no answer.
const t = useMastercomSuite({ timeoutMs: 400 });

const auth = { authorization: `Bearer ${API_TOKEN}` };

function preArbitration(seed: number, chargebackRefNum: string) {
  return createCaseRequest(seed, {
    caseType: '1',
    chargebackRefNum: [chargebackRefNum],
    chargebackReasonCode: '4853',
    merchantName: 'ACME Online Ltd',
    violationCode: undefined,
    violationDate: undefined,
  });
}

async function syncedChargeback(seed: number) {
  const [claim] = t.mastercom.seedUnworked(1, seed);
  await t.newSync().run();
  const chargeback = claim!.chargebacks[0]!;
  return { claimId: claim!.summary.claimId, chargebackRefNum: chargeback.chargebackRefNum! };
}

describe('POST /api/v6/cases', () => {
  it('files the case in Mastercom with a filing number and stores it with its history', async () => {
    const { claimId, chargebackRefNum } = await syncedChargeback(1);
    const response = await request(t.app)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(2, chargebackRefNum));

    expect(response.status).toBe(201);
    const filed = caseDetailSchema.parse(response.body);
    expect(filed).toMatchObject({
      caseId: '536092',
      caseType: '1',
      status: 'FILED',
      claimId,
      lastAction: null,
      history: [{ action: 'FILE', fromStatus: null, toStatus: 'FILED' }],
    });
    expect(filed.customerFilingNumber).toMatch(/^\d{15}$/);
    const sent = t.mastercom.cases.get('536092')?.request;
    expect(sent?.customerFilingNumber).toBe(filed.customerFilingNumber);

    const read = await request(t.app).get('/api/v6/cases/536092').set(auth);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
    const list = await request(t.app).get('/api/v6/cases?status=FILED').set(auth);
    expect(caseListResponseSchema.parse(list.body).items.map((item) => item.caseId)).toContain(
      '536092',
    );
  });

  it('refuses an invalid filing with a problem naming each field, and sends nothing', async () => {
    const invalid = {
      ...preArbitration(3, '1234567890'),
      chargebackReasonCode: undefined,
      disputeAmount: '1,00',
    };
    const response = await request(t.app).post('/api/v6/cases').set(auth).send(invalid);
    expect(response.status).toBe(400);
    expect(response.type).toBe('application/problem+json');
    expect((response.body as { type: string }).type).toBe(PROBLEM_TYPES.validation);
    const errors = (response.body as { errors: { field: string }[] }).errors;
    expect(errors.map((error) => error.field).sort()).toEqual([
      'chargebackReasonCode',
      'disputeAmount',
    ]);
    expect(t.mastercom.received).toHaveLength(0);
  });

  it('needs the bearer token', async () => {
    const response = await request(t.app).post('/api/v6/cases').send(preArbitration(4, '1'));
    expect(response.status).toBe(401);
    expect(response.type).toBe('application/problem+json');
    expect((response.body as { type: string }).type).toBe(PROBLEM_TYPES.unauthorized);
  });

  it('does not file twice when the first filing is answered too late: it finds it on the claim', async () => {
    const { claimId, chargebackRefNum } = await syncedChargeback(5);
    const before = t.mastercom.received.length;
    const casesBefore = t.mastercom.cases.size;
    t.mastercom.faults.failNext(1, { kind: 'delay', ms: 1500 });

    const response = await request(t.app)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(6, chargebackRefNum));

    expect(response.status).toBe(201);
    expect(t.mastercom.cases.size).toBe(casesBefore + 1);
    expect(
      t.mastercom.received.slice(before).map((received) => `${received.method} ${received.path}`),
    ).toEqual(['POST /mastercom/v6/cases', `GET /mastercom/v6/claims/${claimId}`]);
    const [event] = await t.query<{ found: string }>(
      `SELECT detail->>'foundAfterUnansweredAttempt' AS found FROM mastercom_claim_events
        WHERE claim_id = $1 AND kind = 'CASE_FILED'`,
      [claimId],
    );
    expect(event?.found).toBe('true');
  });

  it('answers 504 and files nothing more when an unanswered filing cannot be looked up', async () => {
    t.mastercom.faults.failNext(1, { kind: 'delay', ms: 1500 });
    const response = await request(t.app)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(7, '9999999999'));
    expect(response.status).toBe(504);
    expect(response.body.detail).toContain('look in Mastercom before trying again');
    expect(t.mastercom.received).toHaveLength(1);
  });

  it("passes Mastercom's refusal on as 502 with its reason code", async () => {
    t.mastercom.failNextWith(1, {
      status: 400,
      envelope: 'v6',
      reasonCode: 'INVALID_CHARGEBACK_REF',
      description: 'no chargeback with this reference',
      recoverable: false,
    });
    const response = await request(t.app)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(8, '1111111111'));
    expect(response.status).toBe(502);
    expect(response.body.detail).toContain('INVALID_CHARGEBACK_REF');
    expect(response.body.detail).toContain('will not succeed as sent');
  });

  it('answers 503 when Mastercom is not configured', async () => {
    const response = await request(t.appWithoutMastercom)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(9, '2222222222'));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('60');
  });
});

describe('PUT /api/v6/cases/:caseId', () => {
  async function fileCase(seed: number): Promise<string> {
    const response = await request(t.app)
      .post('/api/v6/cases')
      .set(auth)
      .send(preArbitration(seed, '3333333333'));
    expect(response.status).toBe(201);
    return (response.body as { caseId: string }).caseId;
  }

  it('sends each action to Mastercom and records the history until the case is closed', async () => {
    const caseId = await fileCase(10);
    const rebut = await request(t.app)
      .put(`/api/v6/cases/${caseId}`)
      .set(auth)
      .send({ action: 'REBUT', memo: 'Refund issued on 2026-03-04, see credit/refund record' });
    expect(rebut.status).toBe(200);
    expect(rebut.body).toMatchObject({ status: 'OPEN', lastAction: 'REBUT' });

    const accept = await request(t.app)
      .put(`/api/v6/cases/${caseId}`)
      .set(auth)
      .send({ action: 'ACCEPT', memo: 'Accepted after review' });
    expect(accept.body).toMatchObject({ status: 'CLOSED', lastAction: 'ACCEPT' });
    expect(
      (accept.body as { history: { action: string; toStatus: string }[] }).history.map(
        (event) => `${event.action}:${event.toStatus}`,
      ),
    ).toEqual(['FILE:FILED', 'REBUT:OPEN', 'ACCEPT:CLOSED']);
    expect(t.mastercom.cases.get(caseId)?.actions.map((action) => action.action)).toEqual([
      'REBUT',
      'ACCEPT',
    ]);

    const late = await request(t.app)
      .put(`/api/v6/cases/${caseId}`)
      .set(auth)
      .send({ action: 'ESCALATE', memo: 'too late' });
    expect(late.status).toBe(409);
    expect(t.mastercom.cases.get(caseId)?.actions).toHaveLength(2);
  });

  it('refuses an unknown action and an unknown case', async () => {
    const caseId = await fileCase(11);
    const invalid = await request(t.app)
      .put(`/api/v6/cases/${caseId}`)
      .set(auth)
      .send({ action: 'DOC_RETRY', memo: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('action');
    const missing = await request(t.app)
      .put('/api/v6/cases/999999')
      .set(auth)
      .send({ action: 'WITHDRAW', memo: 'x' });
    expect(missing.status).toBe(404);
  });
});
