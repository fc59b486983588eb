import { parseMastercomErrors, type MastercomErrorItem } from '@mastercom/contracts';
import { maskCardNumbersDeep } from '../platform/security/card-masking.js';

/**
 * How a Mastercom call failed:
 * - `rejected`: Mastercom (or the gateway in front of it) answered with an error it will repeat;
 * - `unavailable`: 429 or 5xx, worth another attempt later;
 * - `timeout` / `network`: no answer, so whether Mastercom acted is unknown;
 * - `invalid-response`: a 2xx whose body is not what the contract says.
 */
export type MastercomErrorKind =
  'rejected' | 'unavailable' | 'timeout' | 'network' | 'invalid-response';

export interface MastercomErrorInit {
  kind: MastercomErrorKind;
  operation: string;
  status?: number | undefined;
  errors?: MastercomErrorItem[];
  requestId: string;
  correlationId?: string | undefined;
  retryAfterMs?: number | undefined;
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/** One typed error for every failed Mastercom call, whichever error envelope it came in. */
export class MastercomError extends Error {
  readonly kind: MastercomErrorKind;
  readonly operation: string;
  readonly status: number | undefined;
  /** The first error's reason code, or one derived from the failure when there is no envelope. */
  readonly reasonCode: string;
  /** Whether trying the same request again later can succeed. */
  readonly recoverable: boolean;
  readonly errors: readonly MastercomErrorItem[];
  /** The id we sent as `x-request-id`; Mastercard's own correlation id when it gave one. */
  readonly requestId: string;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /**
   * True when a non-idempotent request may or may not have been carried out (no answer, or a
   * 5xx) and could not be checked: the caller must not simply send it again.
   */
  readonly outcomeUnknown: boolean;

  constructor(init: MastercomErrorInit) {
    // Mastercom's descriptions may quote what was sent, a card number included; what is kept,
    // logged or answered is masked.
    const errors = (init.errors ?? []).map(
      (item) => maskCardNumbersDeep(item) as MastercomErrorItem,
    );
    const first = errors[0];
    const reasonCode =
      first?.reasonCode ??
      (init.kind === 'timeout'
        ? 'TIMEOUT'
        : init.kind === 'network'
          ? 'NETWORK_ERROR'
          : init.kind === 'invalid-response'
            ? 'INVALID_RESPONSE'
            : `HTTP_${String(init.status ?? 0)}`);
    const description = first?.description ? `: ${first.description}` : '';
    super(
      `Mastercom ${init.operation} failed (${init.status === undefined ? init.kind : String(init.status)} ${reasonCode}${description})`,
      { cause: init.cause },
    );
    this.name = 'MastercomError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.reasonCode = reasonCode;
    this.errors = errors;
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.retryAfterMs = init.retryAfterMs;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    // An envelope's own Recoverable flag wins; without one, only throttling, server errors and
    // lost answers are worth repeating.
    this.recoverable =
      first !== undefined
        ? errors.some((error) => error.recoverable) || init.kind === 'unavailable'
        : init.kind !== 'rejected' && init.kind !== 'invalid-response';
  }

  /** Failures after which Mastercom may have acted on the request without telling us. */
  get ambiguous(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || (this.status ?? 0) >= 500;
  }

  withOutcomeUnknown(): MastercomError {
    return new MastercomError({
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      errors: [...this.errors],
      requestId: this.requestId,
      correlationId: this.correlationId,
      retryAfterMs: this.retryAfterMs,
      outcomeUnknown: true,
      cause: this.cause,
    });
  }
}

/** The typed error for an HTTP error answer, from either envelope or from the status alone. */
export function mastercomErrorFromResponse(input: {
  operation: string;
  status: number;
  bodyText: string;
  requestId: string;
  correlationId?: string | undefined;
  retryAfterMs?: number | undefined;
}): MastercomError {
  let body: unknown;
  try {
    body = JSON.parse(input.bodyText);
  } catch {
    body = undefined;
  }
  return new MastercomError({
    kind: input.status === 429 || input.status >= 500 ? 'unavailable' : 'rejected',
    operation: input.operation,
    status: input.status,
    errors: parseMastercomErrors(body),
    requestId: input.requestId,
    correlationId: input.correlationId,
    retryAfterMs: input.retryAfterMs,
  });
}
