import {
  createMockMastercom,
  createOAuth1Verifier,
  generateRsaKeyPair,
  MASTERCOM_SANDBOX_URL,
  startMsw,
} from '@mastercom/testkit';
import { createCaseRequest } from '@mastercom/contracts/fixtures';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMastercardSigner } from '../../src/platform/security/mastercard-signing.js';
import {
  MastercomClient,
  type MastercomClientOptions,
} from '../../src/mastercom/mastercom-client.js';
import { MastercomError } from '../../src/mastercom/mastercom-error.js';

const consumerKey = 'mastercom-client-test!0123456789abcdef';
const keys = generateRsaKeyPair();
const mastercom = createMockMastercom({ publicKeyPem: keys.publicKeyPem, consumerKey });
const msw = startMsw(mastercom.mswHandlers());
const pauses: number[] = [];

function client(overrides: Partial<MastercomClientOptions> = {}): MastercomClient {
  return new MastercomClient({
    baseUrl: MASTERCOM_SANDBOX_URL,
    signer: createMastercardSigner({ consumerKey, signingKeyPem: keys.privateKeyPem }),
    timeoutMs: 2000,
    maxAttempts: 4,
    backoffBaseMs: 100,
    backoffCapMs: 5000,
    logger: pino({ level: 'silent' }),
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
}

afterEach(() => {
  mastercom.reset();
  pauses.length = 0;
  msw.assertNoUnhandledRequests();
});
afterAll(() => {
  msw.close();
});

describe('MastercomClient signing', () => {
  it('signs the absolute URL with its query string, as the verifier checks it', async () => {
    mastercom.seedUnworked(2, 11);
    const claims = await client().claimsInQueue('Unworked');
    expect(claims).toHaveLength(2);
    const [request] = mastercom.received;
    expect(request?.path).toBe('/mastercom/v6/queues?queue-name=Unworked');
    // Verified again here, independently of the mock, with the testkit verifier.
    const verification = createOAuth1Verifier({
      publicKeyPem: keys.publicKeyPem,
      consumerKey,
    }).verify({
      method: 'GET',
      url: `https://sandbox.api.mastercard.com${request!.path}`,
      authorization: request!.headers.authorization,
      rawBody: Buffer.from(request!.rawBody),
    });
    expect(verification.ok).toBe(true);
  });

  it('signs the exact bytes of a body containing "/" and sends them unescaped', async () => {
    const [claim] = mastercom.seedUnworked(1, 12);
    const chargeback = claim!.chargebacks[0]!;
    // Base64 uses "/" and a memo with a path has it too: JSON may write it as "\/", which
    // would change the bytes after signing.
    await client().updateChargeback(claim!.summary.claimId, chargeback.chargebackId, {
      memo: 'Refund ref 2026/03/04 see https://merchant.example/orders/42',
      fileAttachment: { filename: 'proof.pdf', file: 'JVBERi0x/y4+Cg==' },
    });
    const [request] = mastercom.received;
    expect(request?.status).toBe(200);
    expect(request?.rawBody).toContain('"JVBERi0x/y4+Cg=="');
    expect(request?.rawBody).toContain('2026/03/04');
    expect(mastercom.chargebackUpdates).toHaveLength(1);
  });

  it('gets the gateway 403 as a non-recoverable MastercomError when the key is wrong', async () => {
    const other = generateRsaKeyPair();
    const wrong = client({
      signer: createMastercardSigner({ consumerKey, signingKeyPem: other.privateKeyPem }),
    });
    const error = await wrong.healthcheck().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MastercomError);
    expect(error).toMatchObject({
      status: 403,
      reasonCode: 'AUTHENTICATION_FAILED',
      recoverable: false,
      kind: 'rejected',
    });
    expect(mastercom.received).toHaveLength(1);
  });
});

describe('MastercomClient retries', () => {
  it('backs off on 429, never sooner than Retry-After, and then succeeds', async () => {
    mastercom.faults.failNext(2, { kind: 'rate-limited', retryAfterSeconds: 2 });
    await expect(client().healthcheck()).resolves.toEqual({ status: 'true' });
    expect(mastercom.received.map((request) => request.status)).toEqual([429, 429, 200]);
    expect(pauses).toHaveLength(2);
    for (const pause of pauses) expect(pause).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after the bounded number of attempts on 5xx', async () => {
    mastercom.faults.failNext(10, { kind: 'server-error' });
    const error = await client({ maxAttempts: 3 })
      .listQueueNames()
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 500, reasonCode: 'SYSTEM_ERROR', recoverable: true });
    expect(mastercom.received).toHaveLength(3);
    expect(pauses).toHaveLength(2);
  });

  it('does not hold a request open for a Retry-After beyond the backoff cap', async () => {
    mastercom.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 600 });
    const error = await client()
      .healthcheck()
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 600_000 });
    expect(pauses).toEqual([]);
  });
});

describe('MastercomClient.createCase', () => {
  const filing = (claimRef: string) =>
    createCaseRequest(21, {
      caseType: '1',
      chargebackRefNum: [claimRef],
      chargebackReasonCode: '4853',
      customerFilingNumber: '202611260000001',
    });

  it('looks a timed-out filing up on its claim instead of filing it twice', async () => {
    const [claim] = mastercom.seedUnworked(1, 13);
    mastercom.faults.failNext(1, { kind: 'delay', ms: 600 });
    const api = client({ timeoutMs: 200 });
    const created = await api.createCase(filing(claim!.chargebacks[0]!.chargebackRefNum!), () =>
      api.findCaseOnClaim(claim!.summary.claimId, '202611260000001'),
    );
    expect(created).toEqual({ caseId: '536092', foundAfterUnansweredAttempt: true });
    expect(mastercom.cases.size).toBe(1);
    expect(mastercom.received.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /mastercom/v6/cases',
      `GET /mastercom/v6/claims/${claim!.summary.claimId}`,
    ]);
  });

  it('files again when the lookup shows the unanswered attempt left nothing', async () => {
    const [claim] = mastercom.seedUnworked(1, 14);
    mastercom.faults.failNext(1, { kind: 'reset' });
    const api = client();
    const created = await api.createCase(filing(claim!.chargebacks[0]!.chargebackRefNum!), () =>
      api.findCaseOnClaim(claim!.summary.claimId, '202611260000001'),
    );
    expect(created.foundAfterUnansweredAttempt).toBe(false);
    expect(mastercom.cases.size).toBe(1);
    expect(mastercom.received.map((request) => request.method)).toEqual(['POST', 'GET', 'POST']);
  });

  it('reports an unknown outcome, and does not file again, when it cannot look the case up', async () => {
    mastercom.faults.failNext(1, { kind: 'delay', ms: 600 });
    const error = await client({ timeoutMs: 200 })
      .createCase(filing('1234567890'))
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ kind: 'timeout', outcomeUnknown: true, recoverable: true });
    expect(mastercom.received).toHaveLength(1);
  });
});
