import {
  ethocaErrorEnvelopeSchema,
  isOutcomeAlreadyRecorded,
  outcomeRequestSchema,
  outcomeResponseSchema,
  type AlertOutcome,
} from '@mastercom/contracts';
import { maskCardNumbersDeep, maskCardNumbersInText } from '../platform/security/card-masking.js';
import type { MastercardSigner } from '../platform/security/mastercard-signing.js';
import type { AlertOutcomeResult, OutcomeSender, SendResult } from './outcome-sender.js';
import { parseRetryAfter } from './retry-backoff.js';

/** Ethoca's Outcome API path under its base URL (sandbox or production). */
export const OUTCOMES_PATH = '/ethoca/alerts/merchants/outcomes';

/**
 * The Ethoca Outcome API over HTTP. The body is serialised once and those exact bytes are both
 * signed and sent, with the absolute URL, which is what the OAuth 1.0a body hash requires.
 */
export class EthocaOutcomeClient implements OutcomeSender {
  readonly #url: string;

  constructor(
    private readonly options: { baseUrl: string; signer: MastercardSigner; timeoutMs: number },
  ) {
    this.#url = new URL(OUTCOMES_PATH, options.baseUrl).href;
  }

  async send(outcomes: readonly AlertOutcome[]): Promise<SendResult> {
    // Validated before sending: an invalid outcome is our bug and must not reach Ethoca. An
    // agent's comments were masked when they arrived; masking again here keeps the rule at the
    // door even for an outcome written some other way.
    const request = outcomeRequestSchema.parse({
      outcomes: outcomes.map((outcome) => maskCardNumbersDeep(outcome)),
    });
    const body = JSON.stringify(request);
    const authorization = this.options.signer.sign({ method: 'POST', url: this.#url, body });
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    if (
      response.status === 429 ||
      response.status >= 500 ||
      response.status === 401 ||
      response.status === 403
    ) {
      // 401/403 mean our key or signature is wrong: retried (with backoff) so that fixing the
      // key delivers everything, and loud in the logs and metrics meanwhile.
      return {
        kind: 'retry',
        reason: `Ethoca answered ${response.status}${describeErrors(text)}`,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      };
    }
    if (!response.ok)
      return {
        kind: 'rejected',
        reason: `Ethoca answered ${response.status}${describeErrors(text)}`,
      };
    const parsed = outcomeResponseSchema.safeParse(safeJson(text));
    if (!parsed.success)
      return {
        kind: 'retry',
        reason: 'Ethoca answered 200 with a body that is not an outcome response',
      };
    const results = new Map<string, AlertOutcomeResult>();
    for (const item of parsed.data.outcomeResponses) {
      const errors = item.errors ?? [];
      results.set(item.alertId, {
        status: item.status,
        recoverable: errors.some((error) => error.Recoverable),
        alreadyRecorded: isOutcomeAlreadyRecorded(item),
        description:
          errors.map((error) => `${error.ReasonCode}: ${error.Description}`).join('; ') ||
          item.status,
      });
    }
    return { kind: 'answered', results };
  }
}

function describeErrors(text: string): string {
  const envelope = ethocaErrorEnvelopeSchema.safeParse(safeJson(text));
  if (!envelope.success) return '';
  // Ethoca's descriptions may quote what was sent; they are kept and logged as the reason.
  return maskCardNumbersInText(
    `: ${envelope.data.Errors.Error.map((error) => `${error.ReasonCode} ${error.Description}`).join('; ')}`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
