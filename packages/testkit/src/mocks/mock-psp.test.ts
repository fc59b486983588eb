import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  PSP_PROBLEM_TYPES,
  problemDetailsSchema,
  pspRefundSchema,
  type PspRefundRequest,
} from '@mastercom/contracts';
import { createPspRefundRequest } from '@mastercom/contracts/fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockPsp,
  DEFAULT_REFUND_FAILURE_REASON,
  MOCK_PSP_URL,
  startMockPsp,
  type MockPsp,
} from './mock-psp.js';
import { startMsw } from './msw-server.js';

interface Target {
  baseUrl: string;
  psp: MockPsp;
  stop(): Promise<void>;
}

const adapters: [string, () => Promise<Target>][] = [
  [
    'msw, in-process',
    () => {
      const psp = createMockPsp();
      const server = startMsw(psp.mswHandlers());
      return Promise.resolve({
        baseUrl: MOCK_PSP_URL,
        psp,
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
      const started = await startMockPsp();
      return { baseUrl: started.url, psp: started.state, stop: () => started.close() };
    },
  ],
];

describe.each(adapters)('mock PSP over %s', (_name, start) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  });
  afterEach(() => target.psp.reset());
  afterAll(() => target.stop());

  function postRefund(
    request: PspRefundRequest | Record<string, unknown>,
    key: string | undefined = typeof request.alertId === 'string' ? request.alertId : undefined,
  ): Promise<Response> {
    return fetch(`${target.baseUrl}/v1/refunds`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === undefined ? {} : { [IDEMPOTENCY_KEY_HEADER]: key }),
      },
      body: JSON.stringify(request),
    });
  }

  it('creates a SUCCEEDED refund and serves it again by id', async () => {
    const request = createPspRefundRequest(1);
    const response = await postRefund(request);
    expect(response.status).toBe(201);
    const refund = pspRefundSchema.parse(await response.json());
    expect(refund).toMatchObject({
      status: 'SUCCEEDED',
      transactionId: request.transactionId,
      amount: request.amount,
    });
    expect(response.headers.get('location')).toBe(`/v1/refunds/${refund.refundId}`);

    const read = await fetch(`${target.baseUrl}/v1/refunds/${refund.refundId}`);
    expect(read.status).toBe(200);
    expect(pspRefundSchema.parse(await read.json())).toEqual(refund);
    expect(target.psp.received.map((r) => [r.method, r.status])).toEqual([
      ['POST', 201],
      ['GET', 200],
    ]);
  });

  it('returns the same refund for the same idempotency key instead of a second one', async () => {
    const request = createPspRefundRequest(2);
    const first = pspRefundSchema.parse(await (await postRefund(request)).json());
    const again = await postRefund(request);
    expect(again.status).toBe(200);
    expect(again.headers.get(IDEMPOTENT_REPLAYED_HEADER)).toBe('true');
    expect(pspRefundSchema.parse(await again.json())).toEqual(first);
    expect(target.psp.refunds.size).toBe(1);
    expect(target.psp.refundFor(request.alertId)).toEqual(first);
    expect(target.psp.refundFor('no-such-key')).toBeUndefined();
  });

  it('answers 422 when an idempotency key is reused for a different request', async () => {
    const request = createPspRefundRequest(3);
    await postRefund(request);
    const changed = await postRefund({
      ...request,
      amount: { ...request.amount, value: request.amount.value + 1 },
    });
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toBe('application/problem+json');
    expect(problemDetailsSchema.parse(await changed.json()).type).toBe(
      PSP_PROBLEM_TYPES.idempotencyKeyReused,
    );
    expect(target.psp.refunds.size).toBe(1);
  });

  it('voids an unsettled transaction: NOT_SETTLED', async () => {
    const request = createPspRefundRequest(4);
    target.psp.markUnsettled(request.transactionId);
    const refund = pspRefundSchema.parse(await (await postRefund(request)).json());
    expect(refund.status).toBe('NOT_SETTLED');
  });

  it('fails a refund of a failing transaction with the reason: FAILED', async () => {
    const request = createPspRefundRequest(5);
    target.psp.markFailing([request.transactionId], 'card account closed');
    const refund = pspRefundSchema.parse(await (await postRefund(request)).json());
    expect(refund).toMatchObject({ status: 'FAILED', failureReason: 'card account closed' });
  });

  it('keeps a pending refund PENDING until it is completed', async () => {
    const request = createPspRefundRequest(6);
    target.psp.markPending(request.transactionId);
    const refund = pspRefundSchema.parse(await (await postRefund(request)).json());
    expect(refund.status).toBe('PENDING');
    target.psp.completeRefund(refund.refundId, 'SUCCEEDED');
    expect(target.psp.refundFor(request.alertId)?.status).toBe('SUCCEEDED');
    const read = await fetch(`${target.baseUrl}/v1/refunds/${refund.refundId}`);
    expect(pspRefundSchema.parse(await read.json()).status).toBe('SUCCEEDED');
  });

  it('lets a decider choose each new refund, deferring to the marks when it has no answer', async () => {
    const failing = createPspRefundRequest(8);
    const deferred = createPspRefundRequest(9);
    target.psp.markPending(deferred.transactionId);
    const seen: string[] = [];
    target.psp.decideStatus((request) => {
      seen.push(request.alertId);
      return request.alertId === failing.alertId ? 'FAILED' : undefined;
    });
    const refused = pspRefundSchema.parse(await (await postRefund(failing)).json());
    expect(refused).toMatchObject({
      status: 'FAILED',
      failureReason: DEFAULT_REFUND_FAILURE_REASON,
    });
    const pending = pspRefundSchema.parse(await (await postRefund(deferred)).json());
    expect(pending.status).toBe('PENDING');
    // A replay returns the refund its key names; the decider is not asked again.
    const replayed = pspRefundSchema.parse(await (await postRefund(failing)).json());
    expect(replayed).toEqual(refused);
    expect(seen).toEqual([failing.alertId, deferred.alertId]);

    target.psp.decideStatus();
    const afterwards = createPspRefundRequest(10);
    const confirmed = pspRefundSchema.parse(await (await postRefund(afterwards)).json());
    expect(confirmed.status).toBe('SUCCEEDED');
  });

  it('answers 400 problem details naming the field of an invalid request', async () => {
    const response = await postRefund(
      createPspRefundRequest(7, { amount: { value: 12.345, currencyCode: 'EUR' } }),
    );
    expect(response.status).toBe(400);
    const problem = problemDetailsSchema.parse(await response.json());
    expect(problem.type).toBe(PSP_PROBLEM_TYPES.validation);
    expect(problem.errors?.map((error) => error.field)).toEqual(['amount.value']);
  });

  it('answers 400 without an Idempotency-Key, or with one that is not the alert id', async () => {
    const request = createPspRefundRequest(8);
    const missing = problemDetailsSchema.parse(await (await postRefund(request, '')).json());
    expect(missing.errors?.[0]?.field).toBe('headers.Idempotency-Key');
    const other = await postRefund(request, createPspRefundRequest(9).alertId);
    expect(other.status).toBe(400);
    expect(problemDetailsSchema.parse(await other.json()).errors?.[0]?.field).toBe('alertId');
    expect(target.psp.refunds.size).toBe(0);
  });

  it('answers 404 problem details for an unknown refund', async () => {
    const response = await fetch(`${target.baseUrl}/v1/refunds/re_missing`);
    expect(response.status).toBe(404);
    expect(problemDetailsSchema.parse(await response.json()).type).toBe(PSP_PROBLEM_TYPES.notFound);
  });

  it('injects faults: 500, 429 with Retry-After, 503, a delay and a reset', async () => {
    const request = createPspRefundRequest(10);
    target.psp.faults.failNext(1, { kind: 'server-error' });
    target.psp.faults.failNext(1, { kind: 'rate-limited', retryAfterSeconds: 2 });
    target.psp.faults.failNext(1, { kind: 'unavailable' });
    target.psp.faults.failNext(1, { kind: 'reset' });
    target.psp.faults.failNext(1, { kind: 'delay', ms: 200 });

    expect((await postRefund(request)).status).toBe(500);
    const limited = await postRefund(request);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect((await postRefund(request)).status).toBe(503);
    await expect(postRefund(request)).rejects.toThrow(TypeError);
    const started = performance.now();
    const delayed = await postRefund(request);
    expect(delayed.status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(target.psp.received.map((r) => r.status)).toEqual([500, 429, 503, null, 201]);
    expect(target.psp.refunds.size).toBe(1);
  });
});
