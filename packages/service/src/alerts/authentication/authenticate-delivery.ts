import type { AuthFailureReason, AuthMode, AuthResult, ModeOutcome } from './auth-result.js';
import {
  configuredModeCount,
  describeAuthModes,
  type DeliveryAuthOptions,
} from './delivery-auth-options.js';
import { checkMtls, compileMtls, type CompiledMtls } from './mtls.js';
import type { DeliveryRequest } from './request-headers.js';
import { checkStandardWebhook, compileHmac, type CompiledHmac } from './standard-webhooks.js';
import {
  checkTrustedProxy,
  compileTrustedProxy,
  type CompiledTrustedProxy,
} from './trusted-proxy.js';

interface CompiledDeliveryAuth {
  readonly mtls: CompiledMtls | undefined;
  readonly trustedProxy: CompiledTrustedProxy | undefined;
  readonly hmac: CompiledHmac | undefined;
}

/** Compiles the options; throws with a message that names the bad setting but no secret. */
export function compileDeliveryAuth(options: DeliveryAuthOptions): CompiledDeliveryAuth {
  return {
    mtls: options.mtls === undefined ? undefined : compileMtls(options.mtls),
    trustedProxy:
      options.trustedProxy === undefined ? undefined : compileTrustedProxy(options.trustedProxy),
    hmac: options.hmac === undefined ? undefined : compileHmac(options.hmac),
  };
}

// Options are built once at start, so caching by identity compiles them once per process while
// keeping authenticateDelivery's signature free of a separate "compiled" object.
const compiledByOptions = new WeakMap<DeliveryAuthOptions, CompiledDeliveryAuth>();

function compiledFor(options: DeliveryAuthOptions): CompiledDeliveryAuth {
  let compiled = compiledByOptions.get(options);
  if (compiled === undefined) {
    compiled = compileDeliveryAuth(options);
    compiledByOptions.set(options, compiled);
  }
  return compiled;
}

function failure(reason: AuthFailureReason, detail: string): AuthResult {
  return { ok: false, reason, detail };
}

/**
 * Decides whether a delivery to the Ethoca webhook comes from an authorised sender.
 *
 * The configured modes are tried in a fixed order: mTLS (the connection's own client
 * certificate), then the trusted proxy's forwarded verdict, then the Standard Webhooks HMAC. The
 * first mode that accepts wins, because each configured mode is on its own sufficient proof. When
 * none accepts, the result is the first mode's refusal among those that found a credential on the
 * request (a certificate, proxy headers, signature headers), so the reason describes what the
 * sender actually tried; with no credential at all it is `no_credentials`.
 *
 * Pure given `now` (milliseconds since the epoch, like `Date.now`): no I/O and no logging, so the
 * caller logs the reason. It never throws: hostile input becomes a refusal, and so does an
 * unexpected error, because letting a delivery through on a bug is the worse failure.
 */
export function authenticateDelivery(
  req: DeliveryRequest,
  rawBody: Buffer,
  options: DeliveryAuthOptions,
  now: () => number = Date.now,
): AuthResult {
  if (configuredModeCount(options) === 0) {
    return failure('auth_not_configured', 'no delivery authentication mode is configured');
  }
  let compiled: CompiledDeliveryAuth;
  try {
    compiled = compiledFor(options);
  } catch (error) {
    return failure('auth_misconfigured', (error as Error).message);
  }

  try {
    const attempts: [AuthMode, () => ModeOutcome][] = [];
    const { mtls, trustedProxy, hmac } = compiled;
    if (mtls !== undefined) {
      attempts.push(['mtls', () => checkMtls(req, mtls)]);
    }
    if (trustedProxy !== undefined) {
      attempts.push(['trusted-proxy', () => checkTrustedProxy(req, trustedProxy)]);
    }
    if (hmac !== undefined) {
      attempts.push(['hmac', () => checkStandardWebhook(req, rawBody, hmac, now())]);
    }

    let firstRefusal: AuthResult | undefined;
    for (const [mode, attempt] of attempts) {
      const outcome = attempt();
      if (outcome.kind === 'accepted') {
        return { ok: true, mode, principal: outcome.principal };
      }
      if (outcome.kind === 'rejected' && firstRefusal === undefined) {
        firstRefusal = failure(outcome.reason, `${mode}: ${outcome.detail}`);
      }
    }
    return (
      firstRefusal ??
      failure('no_credentials', `expected one of: ${describeAuthModes(options).join('; ')}`)
    );
  } catch (error) {
    return failure(
      'verification_error',
      `delivery authentication failed unexpectedly: ${(error as Error).message}`,
    );
  }
}

export interface ValidationContext {
  /** The deployment environment; only `development` may run without any mode. */
  readonly environment: string;
}

/**
 * Checks options the way `authenticateDelivery` will use them and lists every problem, for the
 * config layer to report at start together with its own. Messages never contain a secret.
 */
export function validateDeliveryAuthOptions(
  options: DeliveryAuthOptions,
  context: ValidationContext,
): string[] {
  const problems: string[] = [];
  if (configuredModeCount(options) === 0 && context.environment !== 'development') {
    problems.push(
      `no delivery authentication mode (mtls, trustedProxy, hmac) is configured; at least one is ` +
        `required outside development (environment is ${JSON.stringify(context.environment)})`,
    );
  }
  const steps: [string, () => unknown][] = [
    ['mtls', () => (options.mtls === undefined ? undefined : compileMtls(options.mtls))],
    [
      'trustedProxy',
      () =>
        options.trustedProxy === undefined ? undefined : compileTrustedProxy(options.trustedProxy),
    ],
    ['hmac', () => (options.hmac === undefined ? undefined : compileHmac(options.hmac))],
  ];
  for (const [name, step] of steps) {
    try {
      step();
    } catch (error) {
      const message = (error as Error).message;
      problems.push(message.startsWith(name) ? message : `${name}: ${message}`);
    }
  }
  return problems;
}
