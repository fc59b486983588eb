/**
 * A stateful mock of the Mastercom v6 API built from the contracts. The gateway in front of it
 * checks the OAuth 1.0a signature (a failure is the gateway's 403 in its `{"Errors":{"Error":…}}`
 * envelope); behind it, queues hold claims with their chargebacks, acknowledgement moves claims
 * from Unworked to Worked, filed cases get ids and show on their claim, and chargeback documents
 * are kept. Errors of Mastercom itself use the v6 `{"Errors":[…]}` envelope. Faults on demand
 * come from the shared mock core (429, 5xx, delay, reset) and from `failNextWith`, which answers
 * with either envelope.
 */
import {
  chargebackAcknowledgeRequestSchema,
  createCaseRequestSchema,
  MASTERCOM_QUEUE_NAMES,
  queueContentRequestSchema,
  updateCaseRequestSchema,
  updateChargebackRequestSchema,
  type ChargebackDetails,
  type ClaimSummary,
  type CreateCaseRequest,
  type UpdateCaseRequest,
  type UpdateChargebackRequest,
} from '@mastercom/contracts';
import { createChargebackDetails, createClaimSummary } from '@mastercom/contracts/fixtures';
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
import { createOAuth1Verifier } from './oauth1-verifier.js';

/** The sandbox base URL; the msw handlers answer there unless told another. */
export const MASTERCOM_SANDBOX_URL = 'https://sandbox.api.mastercard.com/mastercom';

/** The first case id the mock hands out (the sandbox's sample case id). */
export const MOCK_FIRST_CASE_ID = 536092;

export interface MockMastercomOptions {
  /** The public half of the key the client signs with. */
  publicKeyPem: string;
  /** When set, only this consumer key is accepted. */
  consumerKey?: string;
  /** Claims per page of `POST /v6/queues`; Mastercom's is 2,000. */
  pageSize?: number;
  /** The clock in milliseconds; acknowledgement stamps `lastModifiedDate` with it. */
  now?: () => number;
  /**
   * The first case id handed out (MOCK_FIRST_CASE_ID unless given). A simulator whose database
   * outlives it starts elsewhere on each start, so ids never repeat, as in Mastercom.
   */
  firstCaseId?: number;
}

export interface MockClaim {
  summary: ClaimSummary;
  chargebacks: ChargebackDetails[];
  caseFilingDetails?: Record<string, string | string[]>;
}

export interface MockCase {
  caseId: string;
  request: CreateCaseRequest;
  actions: UpdateCaseRequest[];
  filedAt: Date;
}

export interface MockChargebackUpdate {
  claimId: string;
  chargebackId: string;
  request: UpdateChargebackRequest;
}

/** An error answer in one of the two envelopes, for `failNextWith`. */
export interface MockMastercomErrorAnswer {
  status: number;
  envelope: 'v6' | 'gateway';
  reasonCode: string;
  description?: string;
  recoverable?: boolean;
  retryAfterSeconds?: number;
}

export interface MockMastercom {
  readonly received: readonly ReceivedRequest[];
  readonly faults: FaultControl;
  /** claimId → claim, in insertion order. */
  readonly claims: ReadonlyMap<string, MockClaim>;
  /** caseId → case, in filing order. */
  readonly cases: ReadonlyMap<string, MockCase>;
  /** Every acknowledgement request's chargeback list, in order. */
  readonly acknowledgements: readonly { claimId: string; chargebackId: string }[][];
  readonly chargebackUpdates: readonly MockChargebackUpdate[];
  /** Adds claims (and their chargebacks) to the queue each names. */
  addClaims(claims: Iterable<MockClaim>): void;
  /**
   * Adds `count` fixture claims to Unworked, each with one chargeback, modified at the mock's
   * current minute, and returns them.
   */
  seedUnworked(count: number, seed: number, overrides?: Partial<ClaimSummary>): MockClaim[];
  /** The next `count` requests get this error answer instead of their normal one. */
  failNextWith(count: number, answer: MockMastercomErrorAnswer): void;
  /**
   * Forgets requests, acknowledgements, chargeback updates and faults, but keeps the claims and
   * cases, as Mastercom would: for suites whose database remembers them across tests.
   */
  forgetRequests(): void;
  /** Forgets everything, claims and cases included. */
  reset(): void;
  readonly handle: MockHttpHandler;
  mswHandlers(baseUrl?: string): HttpHandler[];
}

/** `yyyy-MM-ddTHH:mm` in UTC, Mastercom's minute-resolution timestamp. */
export function mastercomMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** A Mastercom date or minute read as UTC milliseconds; NaN when it is neither. */
function parseMastercomTime(value: string | undefined): number {
  if (value === undefined) return Number.NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return Date.parse(`${value}Z`);
  return Date.parse(value);
}

function v6Error(
  status: number,
  reasonCode: string,
  description: string,
  recoverable = false,
  details?: { Name: string; Value: string }[],
  headers: Record<string, string> = {},
): MockHttpResponse {
  return jsonResponse(
    status,
    {
      Errors: [
        {
          Source: 'SYSTEM',
          ReasonCode: reasonCode,
          Description: description,
          Recoverable: recoverable,
          ...(details === undefined ? {} : { Details: details }),
        },
      ],
    },
    headers,
  );
}

function gatewayError(
  status: number,
  reasonCode: string,
  description: string,
  recoverable = false,
  headers: Record<string, string> = {},
): MockHttpResponse {
  return jsonResponse(
    status,
    {
      Errors: {
        Error: [
          {
            Source: 'Gateway',
            ReasonCode: reasonCode,
            Description: description,
            Recoverable: recoverable,
            Details: null,
          },
        ],
      },
    },
    headers,
  );
}

function validationError(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): MockHttpResponse {
  return v6Error(
    400,
    'INVALID_REQUEST',
    'The request failed validation',
    false,
    error.issues.map((issue) => ({
      Name: issue.path.map(String).join('.') || 'body',
      Value: issue.message,
    })),
  );
}

export function createMockMastercom(options: MockMastercomOptions): MockMastercom {
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 2000;
  const verifier = createOAuth1Verifier({
    publicKeyPem: options.publicKeyPem,
    ...(options.consumerKey === undefined ? {} : { consumerKey: options.consumerKey }),
    now,
  });
  const claims = new Map<string, MockClaim>();
  const cases = new Map<string, MockCase>();
  const acknowledgements: { claimId: string; chargebackId: string }[][] = [];
  const chargebackUpdates: MockChargebackUpdate[] = [];
  const errorAnswers: { remaining: number; answer: MockMastercomErrorAnswer }[] = [];
  let nextCaseId = options.firstCaseId ?? MOCK_FIRST_CASE_ID;

  function parseBody(request: MockHttpRequest): unknown {
    try {
      return JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  function claimsIn(queueName: string): MockClaim[] {
    return [...claims.values()]
      .filter((claim) => claim.summary.queueName === queueName)
      .sort(
        (a, b) =>
          parseMastercomTime(b.summary.lastModifiedDate) -
          parseMastercomTime(a.summary.lastModifiedDate),
      );
  }

  function routeApi(request: MockHttpRequest, path: string, url: URL): MockHttpResponse {
    const method = request.method;
    if (method === 'GET' && path === '/v6/healthcheck')
      return jsonResponse(200, { status: 'true' });
    if (method === 'GET' && path === '/v6/queues/names') {
      return jsonResponse(
        200,
        MASTERCOM_QUEUE_NAMES.map((queueName) => ({
          queueName,
          queueDescription: `${queueName} claims`,
        })),
      );
    }
    if (method === 'GET' && path === '/v6/queues') {
      const name = url.searchParams.get('queue-name');
      if (name === null) return v6Error(400, 'INVALID_REQUEST', 'queue-name is required');
      return jsonResponse(
        200,
        claimsIn(name).map((claim) => claim.summary),
      );
    }
    if (method === 'POST' && path === '/v6/queues') {
      const parsed = queueContentRequestSchema.safeParse(parseBody(request));
      if (!parsed.success) return validationError(parsed.error);
      const from = parseMastercomTime(parsed.data.lastModifiedDateFrom);
      const to = parseMastercomTime(parsed.data.lastModifiedDateTo);
      if (to < from)
        return v6Error(400, 'INVALID_REQUEST', 'lastModifiedDateTo is before lastModifiedDateFrom');
      // Minute resolution: the end minute is included whole.
      const matching = claimsIn(parsed.data.queueName).filter((claim) => {
        const modified = parseMastercomTime(claim.summary.lastModifiedDate);
        return modified >= from && modified < to + 60_000;
      });
      const pageNb = Number(parsed.data.pageNb ?? '1');
      const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
      const page = matching.slice((pageNb - 1) * pageSize, pageNb * pageSize);
      return jsonResponse(200, {
        pageCount: String(pageCount),
        claimList: page.map((claim) => claim.summary),
      });
    }
    const claimMatch = /^\/v6\/claims\/(\d{1,19})$/.exec(path);
    if (method === 'GET' && claimMatch?.[1] !== undefined) {
      const claim = claims.get(claimMatch[1]);
      if (claim === undefined)
        return v6Error(404, 'RESOURCE_UNKNOWN', `claim ${claimMatch[1]} does not exist`);
      const { summary } = claim;
      return jsonResponse(200, {
        ...summary,
        isOpen: String(summary.isOpen ?? true),
        isIssuer: String(summary.isIssuer ?? false),
        isAcquirer: String(summary.isAcquirer ?? true),
        isAccurate: String(summary.isAccurate ?? true),
        chargebackDetails: claim.chargebacks,
        ...(claim.caseFilingDetails === undefined
          ? {}
          : { caseFilingDetails: claim.caseFilingDetails }),
      });
    }
    if (method === 'PUT' && path === '/v6/chargebacks/acknowledge') {
      const parsed = chargebackAcknowledgeRequestSchema.safeParse(parseBody(request));
      if (!parsed.success) return validationError(parsed.error);
      acknowledgements.push(parsed.data.chargebackList);
      const stamp = mastercomMinute(now());
      const chargebackResponseList = parsed.data.chargebackList.map((item) => {
        const claim = claims.get(item.claimId);
        if (claim?.chargebacks.some((cb) => cb.chargebackId === item.chargebackId) !== true) {
          return {
            chargebackId: item.chargebackId,
            status: 'FAILURE',
            failureReason: 'chargeback not found on the claim',
          };
        }
        claim.summary = { ...claim.summary, queueName: 'Worked', lastModifiedDate: stamp };
        return { chargebackId: item.chargebackId, status: 'SUCCESS' };
      });
      return jsonResponse(200, { chargebackResponseList });
    }
    const chargebackMatch = /^\/v6\/claims\/(\d{1,19})\/chargebacks\/(\d{1,19})$/.exec(path);
    if (
      method === 'PUT' &&
      chargebackMatch?.[1] !== undefined &&
      chargebackMatch[2] !== undefined
    ) {
      const [, claimId, chargebackId] = chargebackMatch;
      const claim = claims.get(claimId);
      if (claim?.chargebacks.some((cb) => cb.chargebackId === chargebackId) !== true)
        return v6Error(404, 'RESOURCE_UNKNOWN', `chargeback ${chargebackId} does not exist`);
      const parsed = updateChargebackRequestSchema.safeParse(parseBody(request));
      if (!parsed.success) return validationError(parsed.error);
      chargebackUpdates.push({ claimId, chargebackId, request: parsed.data });
      return jsonResponse(200, { chargebackId });
    }
    if (method === 'POST' && path === '/v6/cases') {
      const parsed = createCaseRequestSchema.safeParse(parseBody(request));
      if (!parsed.success) return validationError(parsed.error);
      const caseId = String(nextCaseId);
      nextCaseId += 1;
      cases.set(caseId, { caseId, request: parsed.data, actions: [], filedAt: new Date(now()) });
      // Mastercom shows a case on the claim of the chargeback it was filed against.
      const refs = new Set(parsed.data.chargebackRefNum ?? []);
      for (const claim of claims.values()) {
        const onClaim =
          claim.chargebacks.some(
            (cb) => cb.chargebackRefNum !== undefined && refs.has(cb.chargebackRefNum),
          ) ||
          (parsed.data.acquirerRefNum !== undefined &&
            claim.summary.acquirerRefNum === parsed.data.acquirerRefNum);
        if (onClaim) {
          claim.caseFilingDetails = {
            claimId: claim.summary.claimId,
            caseId,
            caseType: parsed.data.caseType,
            ...(parsed.data.chargebackRefNum === undefined
              ? {}
              : { chargebackRefNum: parsed.data.chargebackRefNum }),
            ...(parsed.data.customerFilingNumber === undefined
              ? {}
              : { customerFilingNumber: parsed.data.customerFilingNumber }),
          };
        }
      }
      return jsonResponse(200, { caseId });
    }
    const caseMatch = /^\/v6\/cases\/(\d{1,19})$/.exec(path);
    if (method === 'PUT' && caseMatch?.[1] !== undefined) {
      const filed = cases.get(caseMatch[1]);
      if (filed === undefined)
        return v6Error(404, 'RESOURCE_UNKNOWN', `case ${caseMatch[1]} does not exist`);
      const parsed = updateCaseRequestSchema.safeParse(parseBody(request));
      if (!parsed.success) return validationError(parsed.error);
      filed.actions.push(parsed.data);
      return jsonResponse(200, { caseId: filed.caseId });
    }
    return v6Error(404, 'RESOURCE_UNKNOWN', `no operation ${method} ${path}`);
  }

  function route(request: MockHttpRequest): MockHttpResponse {
    const url = new URL(request.url);
    const index = url.pathname.indexOf('/v6/');
    if (index < 0) return gatewayError(404, 'RESOURCE_UNKNOWN', `no resource at ${url.pathname}`);
    const verification = verifier.verify({
      method: request.method,
      url: request.url,
      authorization: request.headers.authorization,
      rawBody: request.rawBody,
    });
    if (!verification.ok) {
      return gatewayError(
        403,
        'AUTHENTICATION_FAILED',
        `OAuth signature parameter failed verification: ${verification.reason}`,
      );
    }
    const head = errorAnswers[0];
    if (head !== undefined) {
      head.remaining -= 1;
      if (head.remaining <= 0) errorAnswers.shift();
      const { answer } = head;
      const headers: Record<string, string> =
        answer.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(answer.retryAfterSeconds) };
      const description = answer.description ?? `injected ${answer.reasonCode}`;
      return answer.envelope === 'v6'
        ? v6Error(
            answer.status,
            answer.reasonCode,
            description,
            answer.recoverable,
            undefined,
            headers,
          )
        : gatewayError(answer.status, answer.reasonCode, description, answer.recoverable, headers);
    }
    return routeApi(request, url.pathname.slice(index), url);
  }

  const core = createMockCore({
    route,
    errorResponse: (status, message, headers) =>
      status === 429
        ? gatewayError(429, 'TOO_MANY_REQUESTS', message, true, headers)
        : v6Error(
            status,
            status === 503 ? 'SERVICE_UNAVAILABLE' : 'SYSTEM_ERROR',
            message,
            true,
            undefined,
            headers,
          ),
  });

  function addClaims(added: Iterable<MockClaim>): void {
    for (const claim of added) claims.set(claim.summary.claimId, claim);
  }

  return {
    get received() {
      return core.received;
    },
    faults: core.faults,
    claims,
    cases,
    acknowledgements,
    chargebackUpdates,
    handle: core.handle,
    addClaims,
    seedUnworked(count, seed, overrides = {}) {
      const stamp = mastercomMinute(now());
      const seeded: MockClaim[] = [];
      for (let index = 0; seeded.length < count; index += 1) {
        const summary = createClaimSummary(seed * 100_003 + index, {
          queueName: 'Unworked',
          lastModifiedDate: stamp,
          ...overrides,
        });
        // Seeded ids are random; a rare collision would silently shrink the queue.
        if (claims.has(summary.claimId)) continue;
        const chargeback = createChargebackDetails(seed * 100_003 + index, summary.claimId);
        seeded.push({ summary, chargebacks: [chargeback] });
      }
      addClaims(seeded);
      return seeded;
    },
    failNextWith(count, answer) {
      if (!Number.isInteger(count) || count < 1)
        throw new RangeError('count must be a positive integer');
      errorAnswers.push({ remaining: count, answer });
    },
    forgetRequests() {
      core.reset();
      acknowledgements.length = 0;
      chargebackUpdates.length = 0;
      errorAnswers.length = 0;
    },
    reset() {
      core.reset();
      claims.clear();
      cases.clear();
      acknowledgements.length = 0;
      chargebackUpdates.length = 0;
      errorAnswers.length = 0;
      verifier.reset();
      // Case ids keep counting: Mastercom never hands out an id twice, and a suite's database
      // keeps the cases filed before a reset.
    },
    mswHandlers(baseUrl = MASTERCOM_SANDBOX_URL) {
      return [http.all(`${baseUrl.replace(/\/$/, '')}/v6/*`, mswResolver(core.handle))];
    },
  };
}

export interface StartedMockMastercom {
  /** The Mastercom base URL, e.g. `http://127.0.0.1:41234/mastercom`. */
  readonly url: string;
  readonly state: MockMastercom;
  close(): Promise<void>;
}

/** The mock Mastercom on a real loopback port, under `/mastercom` like the real host. */
export async function startMockMastercom(
  options: MockMastercomOptions & ServeMockHttpOptions,
): Promise<StartedMockMastercom> {
  const state = createMockMastercom(options);
  const server = await serveMockHttp(state.handle, options);
  return { url: `${server.url}/mastercom`, state, close: () => server.close() };
}
