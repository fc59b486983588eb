import {
  ETHOCA_REASON_CODES,
  ethocaErrorEnvelopeSchema,
  OUTCOME_ALREADY_RECORDED,
  outcomeResponseSchema,
  type OutcomeRequest,
} from '@mastercom/contracts';
import { createOutcome, createOutcomeRequest } from '@mastercom/contracts/fixtures';
import OAuth from 'mastercard-oauth1-signer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockEthoca,
  ETHOCA_OUTCOMES_PATH,
  ETHOCA_SANDBOX_URL,
  MOCK_ETHOCA_FAILURE_CODES,
  startMockEthoca,
  type MockEthoca,
} from './mock-ethoca.js';
import { startMsw } from './msw-server.js';
import { generateRsaKeyPair } from './rsa-keys.js';

const consumerKey = 'mock-consumer-key!0123456789abcdef';
const keys = generateRsaKeyPair();

interface Target {
  baseUrl: string;
  ethoca: MockEthoca;
  stop(): Promise<void>;
}

const adapters: [string, () => Promise<Target>][] = [
  [
    'msw, in-process',
    () => {
      const ethoca = createMockEthoca({ publicKeyPem: keys.publicKeyPem, consumerKey });
      const server = startMsw(ethoca.mswHandlers());
      return Promise.resolve({
        baseUrl: ETHOCA_SANDBOX_URL,
        ethoca,
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
      const started = await startMockEthoca({ publicKeyPem: keys.publicKeyPem, consumerKey });
      return { baseUrl: started.url, ethoca: started.state, stop: () => started.close() };
    },
  ],
];

describe.each(adapters)('mock Ethoca Outcome API over %s', (_name, start) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  });
  afterEach(() => target.ethoca.reset());
  afterAll(() => target.stop());

  const url = () => `${target.baseUrl}${ETHOCA_OUTCOMES_PATH}`;

  /** Signs the exact string it then sends, as the service must. */
  function post(
    body: string,
    sign: { body?: string; privateKeyPem?: string; url?: string } = {},
  ): Promise<Response> {
    const authorization = OAuth.getAuthorizationHeader(
      sign.url ?? url(),
      'POST',
      sign.body ?? body,
      consumerKey,
      sign.privateKeyPem ?? keys.privateKeyPem,
    );
    return fetch(url(), {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    });
  }

  /** Outcome requests, valid or deliberately not, serialised once. */
  const postOutcomes = (request: OutcomeRequest | Record<string, unknown>) =>
    post(JSON.stringify(request));

  it('answers SUCCESS per alert for a valid signed batch and records each first outcome', async () => {
    const request = createOutcomeRequest(101, 3);
    const response = await postOutcomes(request);
    expect(response.status).toBe(200);
    const body = outcomeResponseSchema.parse(await response.json());
    expect(body.outcomeResponses).toEqual(
      request.outcomes.map((outcome) => ({ alertId: outcome.alertId, status: 'SUCCESS' })),
    );
    for (const outcome of request.outcomes) {
      expect(target.ethoca.outcomes.get(outcome.alertId)).toMatchObject({ outcome, attempts: 1 });
    }
    expect(target.ethoca.received).toHaveLength(1);
    expect(target.ethoca.received[0]).toMatchObject({
      method: 'POST',
      path: ETHOCA_OUTCOMES_PATH,
      status: 200,
      rawBody: JSON.stringify(request),
      body: request,
    });
    expect(target.ethoca.received[0]?.headers.authorization).toMatch(/^OAuth /);
  });

  it('signs over the query string: a request with a query verifies only if the query was signed', async () => {
    const body = JSON.stringify(createOutcomeRequest(102, 1));
    const withQuery = `${url()}?batch=7`;
    const signed = OAuth.getAuthorizationHeader(
      withQuery,
      'POST',
      body,
      consumerKey,
      keys.privateKeyPem,
    );
    const ok = await fetch(withQuery, {
      method: 'POST',
      headers: { authorization: signed, 'content-type': 'application/json' },
      body,
    });
    expect(ok.status).toBe(200);
    const unsigned = await post(body, { url: url() });
    expect(unsigned.status).toBe(200);
    const mismatched = await fetch(withQuery, {
      method: 'POST',
      headers: {
        authorization: OAuth.getAuthorizationHeader(
          url(),
          'POST',
          body,
          consumerKey,
          keys.privateKeyPem,
        ),
        'content-type': 'application/json',
      },
      body,
    });
    expect(mismatched.status).toBe(401);
  });

  it('answers 401 with the Ethoca envelope for a signature made with another key', async () => {
    const response = await post(JSON.stringify(createOutcomeRequest(103, 1)), {
      privateKeyPem: generateRsaKeyPair().privateKeyPem,
    });
    expect(response.status).toBe(401);
    const envelope = ethocaErrorEnvelopeSchema.parse(await response.json());
    expect(envelope.Errors.Error[0]).toMatchObject({
      ReasonCode: ETHOCA_REASON_CODES.unauthenticated,
      Description: 'OAuth signature failed verification',
    });
    expect(target.ethoca.outcomes.size).toBe(0);
  });

  it('answers 401 when the body was changed after signing', async () => {
    const signedBody = JSON.stringify(createOutcomeRequest(104, 1));
    const sentBody = signedBody.replace('"outcomes"', ' "outcomes"');
    const response = await post(sentBody, { body: signedBody });
    expect(response.status).toBe(401);
    const envelope = ethocaErrorEnvelopeSchema.parse(await response.json());
    expect(envelope.Errors.Error[0]?.Description).toBe(
      'oauth_body_hash does not match the body received',
    );
  });

  it('answers 401 without an Authorization header', async () => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createOutcomeRequest(105, 1)),
    });
    expect(response.status).toBe(401);
  });

  it('answers 400 naming the field of an invalid outcome', async () => {
    const outcome = createOutcome(106);
    const invalid = {
      outcomes: [
        { ...outcome, refund: { ...outcome.refund, amount: { value: 10, currencyCode: 'usd' } } },
      ],
    };
    const response = await postOutcomes(invalid);
    expect(response.status).toBe(400);
    const envelope = ethocaErrorEnvelopeSchema.parse(await response.json());
    expect(envelope.Errors.Error.map((error) => error.Details)).toContain(
      'outcomes[0].refund.amount.currencyCode',
    );
    expect(envelope.Errors.Error[0]?.ReasonCode).toBe(ETHOCA_REASON_CODES.validation);
  });

  it('answers 400 naming outcomes for 26 outcomes in one request', async () => {
    const response = await postOutcomes(createOutcomeRequest(107, 26));
    expect(response.status).toBe(400);
    const envelope = ethocaErrorEnvelopeSchema.parse(await response.json());
    expect(envelope.Errors.Error.map((error) => error.Details)).toEqual(['outcomes']);
  });

  it('keeps the first final outcome and answers a second one with FAILURE and the already-recorded code', async () => {
    const first = createOutcome(108, { outcome: 'OTHER' });
    const second = { ...first, outcome: 'NOT_FOUND' as const };
    const other = createOutcome(109);
    expect((await postOutcomes({ outcomes: [first] })).status).toBe(200);
    const response = await postOutcomes({ outcomes: [second, other] });
    const body = outcomeResponseSchema.parse(await response.json());
    expect(body.outcomeResponses[0]).toMatchObject({
      alertId: first.alertId,
      status: 'FAILURE',
      errors: [{ ReasonCode: OUTCOME_ALREADY_RECORDED, Recoverable: false }],
    });
    expect(body.outcomeResponses[1]).toEqual({ alertId: other.alertId, status: 'SUCCESS' });
    expect(target.ethoca.outcomes.get(first.alertId)).toMatchObject({
      outcome: first,
      attempts: 2,
    });
  });

  it('rejects a replayed request, because its nonce was already used', async () => {
    const body = JSON.stringify(createOutcomeRequest(110, 1));
    const authorization = OAuth.getAuthorizationHeader(
      url(),
      'POST',
      body,
      consumerKey,
      keys.privateKeyPem,
    );
    const send = () =>
      fetch(url(), {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
    expect((await send()).status).toBe(200);
    const replay = await send();
    expect(replay.status).toBe(401);
    const envelope = ethocaErrorEnvelopeSchema.parse(await replay.json());
    expect(envelope.Errors.Error[0]?.Description).toBe('oauth_nonce was already used');
  });

  it('answers the next N requests with 500, then behaves normally', async () => {
    target.ethoca.faults.failNext(2, { kind: 'server-error' });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await postOutcomes(createOutcomeRequest(111 + i, 1))).status);
    }
    expect(statuses).toEqual([500, 500, 200]);
    expect(target.ethoca.received.map((r) => r.fault)).toEqual([
      'server-error',
      'server-error',
      undefined,
    ]);
    expect(target.ethoca.outcomes.size).toBe(1);
  });

  it('answers 429 with Retry-After and 503 when told to', async () => {
    target.ethoca.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 7 });
    target.ethoca.faults.failNext(1, { kind: 'unavailable', retryAfterSeconds: 3 });
    const limited = await postOutcomes(createOutcomeRequest(115, 1));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(ethocaErrorEnvelopeSchema.parse(await limited.json()).Errors.Error[0]?.Recoverable).toBe(
      true,
    );
    const unavailable = await postOutcomes(createOutcomeRequest(116, 1));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('3');
  });

  it('delays the answer by the requested time', async () => {
    target.ethoca.faults.failNext(1, { kind: 'delay', ms: 300 });
    const started = performance.now();
    const response = await postOutcomes(createOutcomeRequest(117, 1));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('resets the connection without an answer', async () => {
    target.ethoca.faults.failNext(1, { kind: 'reset' });
    await expect(postOutcomes(createOutcomeRequest(118, 1))).rejects.toThrow(TypeError);
    expect(target.ethoca.received.at(-1)).toMatchObject({ status: null, fault: 'reset' });
    expect(target.ethoca.outcomes.size).toBe(0);
  });

  it('fails a seeded share of requests, the same ones for the same seed', async () => {
    const run = async () => {
      target.ethoca.reset();
      target.ethoca.faults.failShare(0.5, { kind: 'server-error' }, 42);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        statuses.push((await postOutcomes(createOutcomeRequest(200 + i, 1))).status);
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('answers a per-alert FAILURE, recoverable or not, for the alerts it was told to fail', async () => {
    const [flaky, dead, fine] = [createOutcome(301), createOutcome(302), createOutcome(303)];
    target.ethoca.failAlerts([flaky.alertId], { recoverable: true, times: 1 });
    target.ethoca.failAlerts([dead.alertId]);
    const body = outcomeResponseSchema.parse(
      await (await postOutcomes({ outcomes: [flaky, dead, fine] })).json(),
    );
    expect(
      body.outcomeResponses.map((item) => [
        item.status,
        item.errors?.[0]?.ReasonCode,
        item.errors?.[0]?.Recoverable,
      ]),
    ).toEqual([
      ['FAILURE', MOCK_ETHOCA_FAILURE_CODES.recoverable, true],
      ['FAILURE', MOCK_ETHOCA_FAILURE_CODES.unrecoverable, false],
      ['SUCCESS', undefined, undefined],
    ]);
    const retry = outcomeResponseSchema.parse(
      await (await postOutcomes({ outcomes: [flaky, dead] })).json(),
    );
    expect(retry.outcomeResponses.map((item) => item.status)).toEqual(['SUCCESS', 'FAILURE']);
    expect(target.ethoca.outcomes.get(flaky.alertId)).toMatchObject({
      outcome: flaky,
      attempts: 2,
    });
    expect(target.ethoca.outcomes.get(dead.alertId)).toMatchObject({
      outcome: undefined,
      attempts: 2,
    });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const body = JSON.stringify(createOutcomeRequest(119, 1));
    const authorization = OAuth.getAuthorizationHeader(
      url(),
      'POST',
      body,
      consumerKey,
      keys.privateKeyPem,
    );
    const response = await fetch(url(), {
      method: 'POST',
      headers: { authorization, 'content-type': 'text/plain' },
      body,
    });
    expect(response.status).toBe(415);
  });
});
