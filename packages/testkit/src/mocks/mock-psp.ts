/**
 * A mock of the PSP refund API defined in `@mastercom/contracts` (`psp-refund.ts`): it validates
 * every request, honours `Idempotency-Key`, and can be told which transactions never settled,
 * which refunds fail and which stay pending.
 */
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  PROBLEM_CONTENT_TYPE,
  PSP_PROBLEM_TYPES,
  PSP_REFUNDS_PATH,
  pspRefundPath,
  pspRefundRequestSchema,
  validationProblem,
  type ProblemDetails,
  type PspRefund,
  type PspRefundRequest,
  type PspRefundStatus,
} from '@mastercom/contracts';
import { http, type HttpHandler } from 'msw';
import {
  createMockCore,
  jsonResponse,
  type FaultControl,
  type MockHttpHandler,
  type MockHttpRequest,
  type MockHttpResponse,
  type ReceivedRequest,
} from './mock-http.js';
import { mswResolver } from './msw-adapter.js';
import { serveMockHttp, type ServeMockHttpOptions } from './node-http-adapter.js';

/** The origin the msw handlers answer at unless told another. */
export const MOCK_PSP_URL = 'https://psp.mock.test';

export const DEFAULT_REFUND_FAILURE_REASON = 'the issuer declined the refund';

/** Chooses a new refund's status from its request; undefined defers to the transaction's marks. */
export type RefundStatusDecider = (request: PspRefundRequest) => PspRefundStatus | undefined;

export interface MockPspOptions {
  /** The clock for `createdAt`. */
  now?: () => Date;
}

export interface MockPsp {
  readonly received: readonly ReceivedRequest[];
  /** refundId → refund, in creation order. */
  readonly refunds: ReadonlyMap<string, PspRefund>;
  /** The refund an `Idempotency-Key` created, as it stands now; undefined if none. */
  refundFor(idempotencyKey: string): PspRefund | undefined;
  readonly faults: FaultControl;
  /** Refunds of these transactions void the authorisation instead: NOT_SETTLED. */
  markUnsettled(...transactionIds: string[]): void;
  /** Refunds of these transactions fail with `reason`. */
  markFailing(transactionIds: Iterable<string>, reason?: string): void;
  /** Refunds of these transactions stay PENDING until `completeRefund`. */
  markPending(...transactionIds: string[]): void;
  /**
   * From now on `decide` chooses each new refund's status (a replay under a known idempotency key
   * keeps the refund it names); undefined leaves it to the transaction's marks. A scenario passes a
   * seeded choice, so refunds of one transaction can be confirmed, pending or refused alike.
   * Without an argument the marks alone decide again.
   */
  decideStatus(decide?: RefundStatusDecider): void;
  /** Moves a PENDING refund to its final status, as the PSP's back office eventually does. */
  completeRefund(
    refundId: string,
    status: Exclude<PspRefundStatus, 'PENDING'>,
    failureReason?: string,
  ): PspRefund;
  /** Forgets requests, refunds, idempotency keys, transaction settings and faults. */
  reset(): void;
  readonly handle: MockHttpHandler;
  mswHandlers(baseUrl?: string): HttpHandler[];
}

function problem(
  status: number,
  body: Omit<ProblemDetails, 'status'>,
  headers: Record<string, string> = {},
) {
  return jsonResponse(status, { ...body, status }, headers, PROBLEM_CONTENT_TYPE);
}

/** The request as the idempotency check compares it: the validated fields in a fixed order. */
function fingerprint(request: PspRefundRequest): string {
  return JSON.stringify([
    request.transactionId,
    request.amount.value,
    request.amount.currencyCode,
    request.reason,
    request.alertId,
  ]);
}

export function createMockPsp(options: MockPspOptions = {}): MockPsp {
  const now = options.now ?? (() => new Date());
  const refunds = new Map<string, PspRefund>();
  const byIdempotencyKey = new Map<string, { fingerprint: string; refundId: string }>();
  const unsettled = new Set<string>();
  const failing = new Map<string, string>();
  const pending = new Set<string>();
  let decider: RefundStatusDecider | undefined;
  let sequence = 0;

  function createRefund(request: PspRefundRequest): PspRefund {
    sequence += 1;
    const refundId = `re_mock_${String(sequence).padStart(8, '0')}`;
    const failureReason = failing.get(request.transactionId) ?? DEFAULT_REFUND_FAILURE_REASON;
    const status: PspRefundStatus =
      decider?.(request) ??
      (unsettled.has(request.transactionId)
        ? 'NOT_SETTLED'
        : failing.has(request.transactionId)
          ? 'FAILED'
          : pending.has(request.transactionId)
            ? 'PENDING'
            : 'SUCCEEDED');
    const refund: PspRefund = {
      refundId,
      status,
      transactionId: request.transactionId,
      amount: { value: request.amount.value, currencyCode: request.amount.currencyCode },
      createdAt: now().toISOString(),
      ...(status === 'FAILED' ? { failureReason } : {}),
    };
    refunds.set(refundId, refund);
    return refund;
  }

  function postRefund(request: MockHttpRequest, instance: string): MockHttpResponse {
    const key = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (key === undefined || key === '') {
      return problem(400, {
        type: PSP_PROBLEM_TYPES.validation,
        title: 'Request validation failed',
        detail: `${IDEMPOTENCY_KEY_HEADER} header is required`,
        instance,
        errors: [{ field: `headers.${IDEMPOTENCY_KEY_HEADER}`, message: 'is required' }],
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return problem(400, {
        type: PSP_PROBLEM_TYPES.validation,
        title: 'Request validation failed',
        detail: 'body: is not valid JSON',
        instance,
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
    }
    const parsed = pspRefundRequestSchema.safeParse(body);
    if (!parsed.success) {
      const { status: _status, ...details } = validationProblem(parsed.error, instance);
      return problem(400, { ...details, type: PSP_PROBLEM_TYPES.validation });
    }
    if (parsed.data.alertId !== key) {
      return problem(400, {
        type: PSP_PROBLEM_TYPES.validation,
        title: 'Request validation failed',
        detail: `alertId: must equal the ${IDEMPOTENCY_KEY_HEADER} header`,
        instance,
        errors: [{ field: 'alertId', message: `must equal the ${IDEMPOTENCY_KEY_HEADER} header` }],
      });
    }

    const previous = byIdempotencyKey.get(key);
    if (previous !== undefined) {
      if (previous.fingerprint !== fingerprint(parsed.data)) {
        return problem(422, {
          type: PSP_PROBLEM_TYPES.idempotencyKeyReused,
          title: 'Idempotency key reused with a different request',
          detail: `${IDEMPOTENCY_KEY_HEADER} ${key} already names refund ${previous.refundId} for a different request`,
          instance,
        });
      }
      const refund = refunds.get(previous.refundId);
      if (refund !== undefined) {
        return jsonResponse(200, refund, { [IDEMPOTENT_REPLAYED_HEADER.toLowerCase()]: 'true' });
      }
    }
    const refund = createRefund(parsed.data);
    byIdempotencyKey.set(key, { fingerprint: fingerprint(parsed.data), refundId: refund.refundId });
    return jsonResponse(201, refund, { location: pspRefundPath(refund.refundId) });
  }

  function route(request: MockHttpRequest): MockHttpResponse {
    const { pathname } = new URL(request.url);
    if (pathname === PSP_REFUNDS_PATH) {
      if (request.method === 'POST') return postRefund(request, pathname);
      return problem(
        405,
        { type: 'about:blank', title: 'Method Not Allowed', instance: pathname },
        { allow: 'POST' },
      );
    }
    if (pathname.startsWith(`${PSP_REFUNDS_PATH}/`)) {
      if (request.method !== 'GET') {
        return problem(
          405,
          { type: 'about:blank', title: 'Method Not Allowed', instance: pathname },
          { allow: 'GET' },
        );
      }
      const refundId = decodeURIComponent(pathname.slice(PSP_REFUNDS_PATH.length + 1));
      const refund = refunds.get(refundId);
      return refund === undefined
        ? problem(404, {
            type: PSP_PROBLEM_TYPES.notFound,
            title: 'Refund not found',
            detail: `no refund ${refundId}`,
            instance: pathname,
          })
        : jsonResponse(200, refund);
    }
    return problem(404, { type: 'about:blank', title: 'Not Found', instance: pathname });
  }

  const core = createMockCore({
    route,
    errorResponse: (status, message, headers) =>
      problem(status, { type: 'about:blank', title: message }, headers),
  });

  return {
    received: core.received,
    refunds,
    refundFor(idempotencyKey) {
      const created = byIdempotencyKey.get(idempotencyKey);
      return created === undefined ? undefined : refunds.get(created.refundId);
    },
    faults: core.faults,
    handle: core.handle,
    markUnsettled(...transactionIds) {
      for (const id of transactionIds) unsettled.add(id);
    },
    markFailing(transactionIds, reason = DEFAULT_REFUND_FAILURE_REASON) {
      for (const id of transactionIds) failing.set(id, reason);
    },
    markPending(...transactionIds) {
      for (const id of transactionIds) pending.add(id);
    },
    decideStatus(decide) {
      decider = decide;
    },
    completeRefund(refundId, status, failureReason = DEFAULT_REFUND_FAILURE_REASON) {
      const refund = refunds.get(refundId);
      if (refund === undefined) throw new Error(`no refund ${refundId}`);
      if (refund.status !== 'PENDING')
        throw new Error(`refund ${refundId} is already ${refund.status}`);
      const completed: PspRefund = {
        ...refund,
        status,
        ...(status === 'FAILED' ? { failureReason } : {}),
      };
      refunds.set(refundId, completed);
      return completed;
    },
    reset() {
      core.reset();
      refunds.clear();
      byIdempotencyKey.clear();
      unsettled.clear();
      failing.clear();
      pending.clear();
      decider = undefined;
      sequence = 0;
    },
    mswHandlers(baseUrl = MOCK_PSP_URL) {
      const origin = baseUrl.replace(/\/$/, '');
      const resolver = mswResolver(core.handle);
      return [
        http.post(`${origin}${PSP_REFUNDS_PATH}`, resolver),
        http.get(`${origin}${PSP_REFUNDS_PATH}/:refundId`, resolver),
      ];
    },
  };
}

export interface StartedMockPsp {
  readonly url: string;
  readonly state: MockPsp;
  close(): Promise<void>;
}

/** The mock PSP on a real loopback port. */
export async function startMockPsp(
  options: MockPspOptions & ServeMockHttpOptions = {},
): Promise<StartedMockPsp> {
  const state = createMockPsp(options);
  const server = await serveMockHttp(state.handle, options);
  return { url: server.url, state, close: () => server.close() };
}
