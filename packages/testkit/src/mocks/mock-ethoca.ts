/**
 * A mock of Ethoca's Outcome API built from the contracts. It checks every request the way the
 * real API does (OAuth 1.0a signature and body hash, then the outcome schema), keeps the first
 * final outcome per alert and refuses later ones, and can be told to fail.
 */
import {
  ETHOCA_REASON_CODES,
  ethocaErrorEnvelope,
  ethocaErrorItem,
  OUTCOME_ALREADY_RECORDED,
  OUTCOMES_SOURCE,
  outcomeRequestSchema,
  validationErrorItems,
  type AlertOutcome,
  type EthocaErrorItem,
  type OutcomeResponse,
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
import { createOAuth1Verifier } from './oauth1-verifier.js';

export const ETHOCA_OUTCOMES_PATH = '/ethoca/alerts/merchants/outcomes';

/** The sandbox origin; the msw handlers answer there unless told another. */
export const ETHOCA_SANDBOX_URL = 'https://sandbox.api.ethocaweb.com';

/** Reason codes the mock uses for injected per-alert failures, unless told others. */
export const MOCK_ETHOCA_FAILURE_CODES = {
  recoverable: 'TEMPORARY_FAILURE',
  unrecoverable: 'ALERT_NOT_FOUND',
} as const;

export interface MockEthocaOptions {
  /** The public half of the key the client signs with. */
  publicKeyPem: string;
  /** When set, only this consumer key is accepted. */
  consumerKey?: string;
  /** Allowed clock difference for `oauth_timestamp`; 300 s like the gateway. */
  toleranceSeconds?: number;
  /** The clock in milliseconds, for tests that move time. */
  now?: () => number;
}

export interface AlertFailureOptions {
  /** Whether the failure says the client may try again later. */
  recoverable?: boolean;
  reasonCode?: string;
  description?: string;
  /** How many outcomes for each alert fail before the alert behaves normally; forever by default. */
  times?: number;
}

export interface RecordedOutcome {
  /** The first final outcome, or undefined while every attempt has failed. */
  outcome: AlertOutcome | undefined;
  /** Every outcome received for the alert, including refused and failed ones. */
  attempts: number;
  recordedAt: Date | undefined;
}

export interface MockEthoca {
  /** Every request, in arrival order. */
  readonly received: readonly ReceivedRequest[];
  /** alertId → its first outcome and how many outcomes were sent for it. */
  readonly outcomes: ReadonlyMap<string, RecordedOutcome>;
  readonly faults: FaultControl;
  /** Outcomes for these alerts get a per-alert FAILURE instead of being recorded. */
  failAlerts(alertIds: Iterable<string>, options?: AlertFailureOptions): void;
  /** Forgets requests, outcomes, nonces, faults and alert failures. */
  reset(): void;
  /** The request handling both adapters call. */
  readonly handle: MockHttpHandler;
  /** msw handlers answering at `baseUrl` (the sandbox origin by default). */
  mswHandlers(baseUrl?: string): HttpHandler[];
}

interface AlertFailure {
  item: EthocaErrorItem;
  remaining: number;
}

function envelope(status: number, items: EthocaErrorItem[], headers: Record<string, string> = {}) {
  return jsonResponse(status, ethocaErrorEnvelope(items), headers);
}

function gatewayError(
  status: number,
  reasonCode: string,
  description: string,
  recoverable: boolean,
) {
  return envelope(status, [
    ethocaErrorItem({ source: OUTCOMES_SOURCE, reasonCode, description, recoverable }),
  ]);
}

export function createMockEthoca(options: MockEthocaOptions): MockEthoca {
  const verifier = createOAuth1Verifier({
    publicKeyPem: options.publicKeyPem,
    ...(options.consumerKey === undefined ? {} : { consumerKey: options.consumerKey }),
    ...(options.toleranceSeconds === undefined
      ? {}
      : { toleranceSeconds: options.toleranceSeconds }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const outcomes = new Map<string, RecordedOutcome>();
  const alertFailures = new Map<string, AlertFailure>();

  function recordOutcome(outcome: AlertOutcome): OutcomeResponse['outcomeResponses'][number] {
    const entry = outcomes.get(outcome.alertId) ?? {
      outcome: undefined,
      attempts: 0,
      recordedAt: undefined,
    };
    entry.attempts += 1;
    outcomes.set(outcome.alertId, entry);

    const failure = alertFailures.get(outcome.alertId);
    if (failure !== undefined && failure.remaining > 0) {
      failure.remaining -= 1;
      return { alertId: outcome.alertId, status: 'FAILURE', errors: [failure.item] };
    }
    if (entry.outcome !== undefined) {
      return {
        alertId: outcome.alertId,
        status: 'FAILURE',
        errors: [
          ethocaErrorItem({
            source: OUTCOMES_SOURCE,
            reasonCode: OUTCOME_ALREADY_RECORDED,
            description: `outcome already recorded for alert ${outcome.alertId} (${entry.outcome.outcome}); the first final outcome stands`,
            recoverable: false,
          }),
        ],
      };
    }
    entry.outcome = outcome;
    entry.recordedAt = new Date();
    return { alertId: outcome.alertId, status: 'SUCCESS' };
  }

  function route(request: MockHttpRequest): MockHttpResponse {
    const { pathname } = new URL(request.url);
    if (pathname !== ETHOCA_OUTCOMES_PATH) {
      return gatewayError(404, 'NOT_FOUND', `no resource at ${pathname}`, false);
    }
    if (request.method !== 'POST') {
      return {
        ...gatewayError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed`, false),
        headers: { allow: 'POST', 'content-type': 'application/json' },
      };
    }

    const verification = verifier.verify({
      method: request.method,
      url: request.url,
      authorization: request.headers.authorization,
      rawBody: request.rawBody,
    });
    if (!verification.ok) {
      return gatewayError(401, ETHOCA_REASON_CODES.unauthenticated, verification.reason, false);
    }

    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      return gatewayError(
        415,
        ETHOCA_REASON_CODES.unsupportedMediaType,
        `content-type must be application/json, not ${contentType || 'missing'}`,
        false,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return envelope(400, [
        ethocaErrorItem({
          source: OUTCOMES_SOURCE,
          reasonCode: ETHOCA_REASON_CODES.validation,
          description: 'body: is not valid JSON',
          details: 'body',
        }),
      ]);
    }
    const parsed = outcomeRequestSchema.safeParse(body);
    if (!parsed.success) return envelope(400, validationErrorItems(parsed.error, OUTCOMES_SOURCE));

    const response: OutcomeResponse = { outcomeResponses: parsed.data.outcomes.map(recordOutcome) };
    return jsonResponse(200, response);
  }

  const core = createMockCore({
    route,
    errorResponse: (status, message, headers) =>
      envelope(
        status,
        [
          ethocaErrorItem({
            source: OUTCOMES_SOURCE,
            reasonCode:
              status === 429
                ? 'TOO_MANY_REQUESTS'
                : status === 503
                  ? ETHOCA_REASON_CODES.unavailable
                  : 'INTERNAL_SERVER_ERROR',
            description: message,
            recoverable: true,
          }),
        ],
        headers,
      ),
  });

  return {
    received: core.received,
    outcomes,
    faults: core.faults,
    handle: core.handle,
    failAlerts(alertIds, failure = {}) {
      const recoverable = failure.recoverable ?? false;
      const reasonCode =
        failure.reasonCode ??
        (recoverable
          ? MOCK_ETHOCA_FAILURE_CODES.recoverable
          : MOCK_ETHOCA_FAILURE_CODES.unrecoverable);
      for (const alertId of alertIds) {
        alertFailures.set(alertId, {
          remaining: failure.times ?? Number.POSITIVE_INFINITY,
          item: ethocaErrorItem({
            source: OUTCOMES_SOURCE,
            reasonCode,
            description:
              failure.description ??
              `injected ${recoverable ? 'recoverable' : 'unrecoverable'} failure for alert ${alertId}`,
            recoverable,
          }),
        });
      }
    },
    reset() {
      core.reset();
      outcomes.clear();
      alertFailures.clear();
      verifier.reset();
    },
    mswHandlers(baseUrl = ETHOCA_SANDBOX_URL) {
      return [
        http.post(`${baseUrl.replace(/\/$/, '')}${ETHOCA_OUTCOMES_PATH}`, mswResolver(core.handle)),
      ];
    },
  };
}

export interface StartedMockEthoca {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** `url` + the outcomes path. */
  readonly outcomesUrl: string;
  readonly state: MockEthoca;
  close(): Promise<void>;
}

/** The mock Outcome API on a real loopback port. */
export async function startMockEthoca(
  options: MockEthocaOptions & ServeMockHttpOptions,
): Promise<StartedMockEthoca> {
  const state = createMockEthoca(options);
  const server = await serveMockHttp(state.handle, options);
  return {
    url: server.url,
    outcomesUrl: `${server.url}${ETHOCA_OUTCOMES_PATH}`,
    state,
    close: () => server.close(),
  };
}
