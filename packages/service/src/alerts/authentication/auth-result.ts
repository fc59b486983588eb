/** The modes a delivery can be authenticated by, in the order they are tried. */
export type AuthMode = 'mtls' | 'trusted-proxy' | 'hmac';

/**
 * Why a delivery was refused. The route answers 401 for all of them except the three that say the
 * service itself is wrong (`auth_not_configured`, `auth_misconfigured`, `verification_error`),
 * which deserve a 500 and an alert rather than a hint to the caller.
 */
export type AuthFailureReason =
  /** No configured mode found any credential on the request. */
  | 'no_credentials'
  /** No mode is configured at all, so every delivery is refused. */
  | 'auth_not_configured'
  /** The options could not be compiled (bad proxy address, secret that is not base64, ...). */
  | 'auth_misconfigured'
  /** The client presented a certificate that did not chain to a trusted CA or is not valid now. */
  | 'certificate_not_verified'
  /** The certificate (or the proxy's forwarded subject) is valid but not on the allow-list. */
  | 'subject_not_allowed'
  /** Proxy verification headers came from a TCP peer that is not a configured proxy. */
  | 'untrusted_proxy'
  /** A trusted proxy said the client certificate did not verify, or said nothing usable. */
  | 'proxy_verification_failed'
  /** Some but not all of webhook-id, webhook-timestamp and webhook-signature were sent. */
  | 'signature_missing_headers'
  /** A signature header was repeated, too long, or the timestamp was not Unix seconds. */
  | 'signature_malformed_headers'
  /** The signed timestamp is further from now than the tolerance, in either direction. */
  | 'timestamp_out_of_tolerance'
  /** No v1 signature matched any configured secret. */
  | 'signature_mismatch'
  /** Verification failed unexpectedly; the request is refused rather than let through. */
  | 'verification_error';

export type AuthResult =
  | { readonly ok: true; readonly mode: AuthMode; readonly principal: string }
  | { readonly ok: false; readonly reason: AuthFailureReason; readonly detail: string };

/** What one mode concluded about one request; internal to the authentication module. */
export type ModeOutcome =
  | { readonly kind: 'not-applicable' }
  | { readonly kind: 'accepted'; readonly principal: string }
  | { readonly kind: 'rejected'; readonly reason: AuthFailureReason; readonly detail: string };

export const notApplicable: ModeOutcome = { kind: 'not-applicable' };

export function rejected(reason: AuthFailureReason, detail: string): ModeOutcome {
  return { kind: 'rejected', reason, detail };
}

export function accepted(principal: string): ModeOutcome {
  return { kind: 'accepted', principal };
}

/**
 * Renders a caller-supplied value for a log line: quoted, control characters escaped, and cut
 * short so that a hostile header cannot flood the logs through the failure detail.
 */
export function quoteForLog(value: string, maxLength = 200): string {
  const cut = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  return JSON.stringify(cut);
}
