import { parseMastercomErrors } from '@mastercom/contracts';
import { createCaseRequest } from '@mastercom/contracts/fixtures';
import OAuth from 'mastercard-oauth1-signer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockMastercom,
  MASTERCOM_SANDBOX_URL,
  MOCK_FIRST_CASE_ID,
  startMockMastercom,
  type MockMastercom,
} from './mock-mastercom.js';
import { startMsw } from './msw-server.js';
import { generateRsaKeyPair } from './rsa-keys.js';

const consumerKey = 'mastercom-mock-key!0123456789';
const keys = generateRsaKeyPair();

interface Target {
  baseUrl: string;
  mastercom: MockMastercom;
  stop(): Promise<void>;
}

const adapters: [string, () => Promise<Target>][] = [
  [
    'msw, in-process',
    () => {
      const mastercom = createMockMastercom({
        publicKeyPem: keys.publicKeyPem,
        consumerKey,
        pageSize: 3,
      });
      const server = startMsw(mastercom.mswHandlers());
      return Promise.resolve({
        baseUrl: MASTERCOM_SANDBOX_URL,
        mastercom,
        stop: () => {
          server.close();
          server.assertNoUnhandledRequests();
          return Promise.resolve();
        },
      });
    },
  ],
  [
    'node:http on 127.0.0.1',
    async () => {
      const started = await startMockMastercom({
        publicKeyPem: keys.publicKeyPem,
        consumerKey,
        pageSize: 3,
      });
      return { baseUrl: started.url, mastercom: started.state, stop: () => started.close() };
    },
  ],
];

describe.each(adapters)('mock Mastercom over %s', (_name, start) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  });
  afterEach(() => target.mastercom.reset());
  afterAll(() => target.stop());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    signAs: { url?: string; body?: string } = {},
  ): Promise<{ status: number; json: unknown }> {
    const url = `${target.baseUrl}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const authorization = OAuth.getAuthorizationHeader(
      signAs.url ?? url,
      method,
      signAs.body ?? text ?? null,
      consumerKey,
      keys.privateKeyPem,
    );
    const response = await fetch(url, {
      method,
      headers: {
        authorization,
        ...(text === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: text,
    });
    return { status: response.status, json: await response.json() };
  }

  it('answers a correctly signed read with a query string and refuses a URL signed without it', async () => {
    target.mastercom.seedUnworked(2, 1);
    const ok = await call('GET', '/v6/queues?queue-name=Unworked');
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(2);

    const bad = await call('GET', '/v6/queues?queue-name=Unworked', undefined, {
      url: `${target.baseUrl}/v6/queues`,
    });
    expect(bad.status).toBe(403);
    expect(parseMastercomErrors(bad.json)[0]).toMatchObject({
      reasonCode: 'AUTHENTICATION_FAILED',
      recoverable: false,
    });
  });

  it('pages a queue by date interval and moves acknowledged claims to Worked', async () => {
    const seeded = target.mastercom.seedUnworked(7, 2);
    const window = {
      queueName: 'Unworked',
      lastModifiedDateFrom: '2000-01-01T00:00',
      lastModifiedDateTo: '2100-01-01T00:00',
    };
    const first = await call('POST', '/v6/queues', window);
    expect(first.json).toMatchObject({ pageCount: '3' });
    const third = await call('POST', '/v6/queues', { ...window, pageNb: '3' });
    expect((third.json as { claimList: unknown[] }).claimList).toHaveLength(1);

    const claim = seeded[0]!;
    const chargebackId = claim.chargebacks[0]!.chargebackId;
    const ack = await call('PUT', '/v6/chargebacks/acknowledge', {
      chargebackList: [{ claimId: claim.summary.claimId, chargebackId }],
    });
    expect(ack.json).toEqual({ chargebackResponseList: [{ chargebackId, status: 'SUCCESS' }] });
    expect(target.mastercom.claims.get(claim.summary.claimId)?.summary.queueName).toBe('Worked');
    const again = await call('POST', '/v6/queues', window);
    expect(again.json).toMatchObject({ pageCount: '2' });
  });

  it('gives filed cases ids, shows them on the claim and validates the filing', async () => {
    const [claim] = target.mastercom.seedUnworked(1, 3);
    const refNum = claim!.chargebacks[0]!.chargebackRefNum!;
    const filing = createCaseRequest(4, {
      caseType: '1',
      chargebackRefNum: [refNum],
      chargebackReasonCode: '4853',
      customerFilingNumber: '123456789012345',
    });
    const created = await call('POST', '/v6/cases', filing);
    expect(created).toEqual({ status: 200, json: { caseId: String(MOCK_FIRST_CASE_ID) } });
    const detail = await call('GET', `/v6/claims/${claim!.summary.claimId}`);
    expect(detail.json).toMatchObject({
      caseFilingDetails: {
        caseId: String(MOCK_FIRST_CASE_ID),
        customerFilingNumber: '123456789012345',
      },
    });

    const invalid = await call('POST', '/v6/cases', { ...filing, memo: '' });
    expect(invalid.status).toBe(400);
    expect(parseMastercomErrors(invalid.json)[0]).toMatchObject({ reasonCode: 'INVALID_REQUEST' });
  });

  it('fails on demand in either error envelope and with the shared faults', async () => {
    target.mastercom.failNextWith(1, {
      status: 400,
      envelope: 'v6',
      reasonCode: 'INVALID_CLAIM',
      recoverable: false,
    });
    target.mastercom.failNextWith(1, {
      status: 503,
      envelope: 'gateway',
      reasonCode: 'SERVICE_UNAVAILABLE',
      recoverable: true,
    });
    target.mastercom.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 2 });
    // The shared faults come first: they stand for the network and gateway in front of Mastercom.
    const throttled = await call('GET', '/v6/healthcheck');
    const v6 = await call('GET', '/v6/healthcheck');
    const gateway = await call('GET', '/v6/healthcheck');
    const healthy = await call('GET', '/v6/healthcheck');
    expect(v6.json).toMatchObject({ Errors: [{ ReasonCode: 'INVALID_CLAIM' }] });
    expect(gateway.json).toMatchObject({
      Errors: { Error: [{ ReasonCode: 'SERVICE_UNAVAILABLE' }] },
    });
    expect([throttled.status, v6.status, gateway.status, healthy.status]).toEqual([
      429, 400, 503, 200,
    ]);
    expect(healthy.json).toEqual({ status: 'true' });
  });
});
