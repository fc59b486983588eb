/**
 * Mastercom v6 over HTTP. Every request is serialised once; those exact bytes and the absolute
 * URL with its query string are what the shared signer signs and what is sent, so the gateway's
 * body hash and signature base string always match.
 *
 * Idempotent reads and acknowledgements are retried on 429, 5xx, timeouts and lost connections,
 * with capped exponential backoff and full jitter, never sooner than `Retry-After`. Creating a case
 * is not idempotent: after an answer that leaves its fate unknown the client looks the case up and
 * only files again when Mastercom has no trace of it.
 */
import { randomUUID } from 'node:crypto';
import {
  chargebackAcknowledgeRequestSchema,
  chargebackAcknowledgeResponseSchema,
  claimDetailSchema,
  claimsInQueueResponseSchema,
  createCaseRequestSchema,
  createCaseResponseSchema,
  mastercomHealthcheckSchema,
  mastercomQueueNamesResponseSchema,
  queueContentRequestSchema,
  queueContentResponseSchema,
  updateCaseRequestSchema,
  updateCaseResponseSchema,
  updateChargebackRequestSchema,
  updateChargebackResponseSchema,
  type ChargebackAcknowledgeRequest,
  type ClaimDetail,
  type ClaimSummary,
  type CreateCaseRequest,
  type QueueContentRequest,
  type QueueContentResponse,
  type UpdateCaseRequest,
  type UpdateChargebackRequest,
} from '@mastercom/contracts';
import type { z } from 'zod';
import { parseJsonMaskingCards } from '../platform/security/card-masking.js';
import type { Logger } from '../platform/observability/logger.js';
import type { MastercardSigner } from '../platform/security/mastercard-signing.js';
import { parseRetryAfter, retryDelayMs } from '../outcomes/retry-backoff.js';
import { MastercomError, mastercomErrorFromResponse } from './mastercom-error.js';

export interface MastercomClientOptions {
  /** Mastercom's base URL with its `/mastercom` path, sandbox or production. */
  baseUrl: string;
  signer: MastercardSigner;
  /** How long one attempt may take, answer body included. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  backoffBaseMs: number;
  /** Longest pause between attempts; a `Retry-After` beyond it ends the call instead. */
  backoffCapMs: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface Call<T> {
  /** A short name for logs and errors, e.g. `acknowledge chargebacks`. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  schema: z.ZodType<T>;
  /**
   * `safe` calls may be repeated after any retryable failure. `unsafe` calls are repeated after
   * a 429 (the gateway refused them unread) and, when `lookup` is given, after an ambiguous
   * failure that the lookup shows left nothing behind.
   */
  retry: 'safe' | 'unsafe';
  lookup?: () => Promise<T | undefined>;
}

export interface CreatedCase {
  caseId: string;
  /** True when the case was found by its filing number after an unanswered attempt. */
  foundAfterUnansweredAttempt: boolean;
}

export class MastercomClient {
  readonly #options: MastercomClientOptions;
  readonly #base: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: MastercomClientOptions) {
    this.#options = options;
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new TypeError(`MASTERCOM_URL must be http(s), not ${base.protocol}`);
    // Joined by hand: `new URL('/v6/…', base)` would drop the base's `/mastercom` path.
    this.#base = base.href.replace(/\/+$/, '');
    this.#sleep =
      options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  get baseUrl(): string {
    return this.#base;
  }

  healthcheck() {
    return this.#call({
      operation: 'healthcheck',
      method: 'GET',
      path: '/v6/healthcheck',
      schema: mastercomHealthcheckSchema,
      retry: 'safe',
    });
  }

  listQueueNames() {
    return this.#call({
      operation: 'list queues',
      method: 'GET',
      path: '/v6/queues/names',
      schema: mastercomQueueNamesResponseSchema,
      retry: 'safe',
    });
  }

  /** The newest claims of a queue, as far as one answer holds them. */
  claimsInQueue(queueName: string): Promise<ClaimSummary[]> {
    return this.#call({
      operation: 'read queue',
      method: 'GET',
      path: '/v6/queues',
      query: { 'queue-name': queueName },
      schema: claimsInQueueResponseSchema,
      retry: 'safe',
    });
  }

  /** One page of the claims modified in an interval (`POST /v6/queues`). */
  claimsInQueueByDate(request: QueueContentRequest): Promise<QueueContentResponse> {
    return this.#call({
      operation: 'read queue by date',
      method: 'POST',
      path: '/v6/queues',
      body: queueContentRequestSchema.parse(request),
      schema: queueContentResponseSchema,
      // A read, even though it is a POST.
      retry: 'safe',
    });
  }

  getClaim(claimId: string): Promise<ClaimDetail> {
    return this.#call({
      operation: 'get claim',
      method: 'GET',
      path: `/v6/claims/${encodeURIComponent(claimId)}`,
      schema: claimDetailSchema,
      retry: 'safe',
    });
  }

  /** Moves claims from Unworked to Worked; acknowledging twice changes nothing, so it is safe. */
  acknowledgeChargebacks(request: ChargebackAcknowledgeRequest) {
    return this.#call({
      operation: 'acknowledge chargebacks',
      method: 'PUT',
      path: '/v6/chargebacks/acknowledge',
      body: chargebackAcknowledgeRequestSchema.parse(request),
      schema: chargebackAcknowledgeResponseSchema,
      retry: 'safe',
    });
  }

  /**
   * Files a case. `request.customerFilingNumber` must be set: it is how `findFiledCase` recognises
   * the case when an attempt goes unanswered. Without `findFiledCase` such an attempt ends in a
   * MastercomError with `outcomeUnknown`, never in a second filing.
   */
  async createCase(
    request: CreateCaseRequest,
    findFiledCase?: () => Promise<string | undefined>,
  ): Promise<CreatedCase> {
    if (request.customerFilingNumber === undefined || request.customerFilingNumber === '')
      throw new TypeError('a case is filed with a customerFilingNumber, to find it again');
    let found = false;
    const lookup =
      findFiledCase &&
      (async () => {
        const caseId = await findFiledCase();
        if (caseId === undefined) return undefined;
        found = true;
        return { caseId };
      });
    const response = await this.#call({
      operation: 'create case',
      method: 'POST',
      path: '/v6/cases',
      body: createCaseRequestSchema.parse(request),
      schema: createCaseResponseSchema,
      retry: 'unsafe',
      ...(lookup === undefined ? {} : { lookup }),
    });
    return { caseId: response.caseId, foundAfterUnansweredAttempt: found };
  }

  /** The case filed with `customerFilingNumber` on a claim, if Mastercom has one. */
  async findCaseOnClaim(
    claimId: string,
    customerFilingNumber: string,
  ): Promise<string | undefined> {
    const claim = await this.getClaim(claimId);
    const filing = claim.caseFilingDetails;
    return filing?.customerFilingNumber === customerFilingNumber ? filing.caseId : undefined;
  }

  updateCase(caseId: string, request: UpdateCaseRequest) {
    return this.#call({
      operation: 'act on case',
      method: 'PUT',
      path: `/v6/cases/${encodeURIComponent(caseId)}`,
      body: updateCaseRequestSchema.parse(request),
      schema: updateCaseResponseSchema,
      retry: 'unsafe',
    });
  }

  updateChargeback(claimId: string, chargebackId: string, request: UpdateChargebackRequest) {
    return this.#call({
      operation: 'add chargeback documents',
      method: 'PUT',
      path: `/v6/claims/${encodeURIComponent(claimId)}/chargebacks/${encodeURIComponent(chargebackId)}`,
      body: updateChargebackRequestSchema.parse(request),
      schema: updateChargebackResponseSchema,
      retry: 'unsafe',
    });
  }

  async #call<T>(call: Call<T>): Promise<T> {
    const { maxAttempts, backoffBaseMs, backoffCapMs } = this.#options;
    // Bounded: every pass returns, or throws once `attempt` reaches maxAttempts.
    for (let attempt = 1; ; attempt += 1) {
      let error: MastercomError;
      try {
        return await this.#attempt(call);
      } catch (thrown) {
        if (!(thrown instanceof MastercomError)) throw thrown;
        error = thrown;
      }
      const throttled = error.status === 429;
      let retry = error.recoverable && (call.retry === 'safe' || throttled);
      if (call.retry === 'unsafe' && !throttled && error.ambiguous) {
        if (call.lookup === undefined) throw error.withOutcomeUnknown();
        // Mastercom may have acted before the answer was lost: find out before acting again.
        let existing: T | undefined;
        try {
          existing = await call.lookup();
        } catch (lookupError) {
          this.#options.logger.error(
            { operation: call.operation, requestId: error.requestId, err: lookupError },
            'Mastercom did not answer and the lookup failed; the outcome is unknown',
          );
          throw error.withOutcomeUnknown();
        }
        if (existing !== undefined) {
          this.#options.logger.warn(
            { operation: call.operation, requestId: error.requestId, reasonCode: error.reasonCode },
            'Mastercom did not answer, but the lookup found what the request created; not sending it again',
          );
          return existing;
        }
        retry = true;
      }
      const delayMs = retryDelayMs(attempt, {
        baseMs: backoffBaseMs,
        capMs: backoffCapMs,
        retryAfterMs: error.retryAfterMs,
      });
      // A server asking for more patience than the cap allows gets it from the next run, not
      // from a request held open here.
      if (!retry || attempt >= maxAttempts || delayMs > backoffCapMs) {
        this.#options.logger.error(
          {
            operation: call.operation,
            requestId: error.requestId,
            correlationId: error.correlationId,
            status: error.status,
            reasonCode: error.reasonCode,
            recoverable: error.recoverable,
            attempts: attempt,
          },
          `Mastercom ${call.operation} failed`,
        );
        throw error;
      }
      this.#options.logger.warn(
        {
          operation: call.operation,
          requestId: error.requestId,
          correlationId: error.correlationId,
          status: error.status,
          reasonCode: error.reasonCode,
          attempt,
          delayMs,
        },
        `Mastercom ${call.operation} will be retried`,
      );
      await this.#sleep(delayMs);
    }
  }

  async #attempt<T>(call: Call<T>): Promise<T> {
    const requestId = randomUUID();
    const query = call.query === undefined ? '' : `?${new URLSearchParams(call.query).toString()}`;
    const url = `${this.#base}${call.path}${query}`;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: this.#options.signer.sign({ method: call.method, url, body }),
      'x-request-id': requestId,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: call.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut =
        error instanceof DOMException &&
        (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new MastercomError({
        kind: timedOut ? 'timeout' : 'network',
        operation: call.operation,
        requestId,
        cause: error,
      });
    }
    const correlationId =
      response.headers.get('correlation-id') ??
      response.headers.get('x-correlation-id') ??
      undefined;
    const log = {
      operation: call.operation,
      method: call.method,
      path: call.path,
      status: response.status,
      requestId,
      correlationId,
      ms: Math.round(performance.now() - started),
    };
    if (!response.ok) {
      this.#options.logger.debug(log, 'Mastercom answered with an error');
      throw mastercomErrorFromResponse({
        operation: call.operation,
        status: response.status,
        bodyText: text,
        requestId,
        correlationId,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      });
    }
    this.#options.logger.debug(log, 'Mastercom answered');
    let json: unknown;
    try {
      // A card number sent as a JSON number is masked by its source text before it can become a
      // different double; strings are masked by whoever keeps them (ids must stay exact).
      json = parseJsonMaskingCards(new TextEncoder().encode(text), { strings: false });
    } catch {
      json = undefined;
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) {
      throw new MastercomError({
        kind: 'invalid-response',
        operation: call.operation,
        status: response.status,
        requestId,
        correlationId,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}
