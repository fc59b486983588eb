import crypto from 'k6/crypto';
import encoding from 'k6/encoding';

/**
 * Standard Webhooks (v1) signing inside k6. k6 has no Node crypto, so the testkit signer cannot be
 * bundled; this one uses k6/crypto's HMAC and is checked against the testkit signer in
 * test/k6/webhook-signer.test.ts, so both sign the same bytes the same way.
 */

export interface WebhookSignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key of a `whsec_<base64>` (or plain base64) secret, as raw bytes. */
export function decodeWebhookSecret(secret: string): ArrayBuffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // A typo in a CI secret would otherwise sign every request with a different key and fail the
  // whole run as 401s; failing in the init context names the cause instead.
  if (!BASE64.test(encoded)) {
    throw new Error('the webhook secret must be base64, optionally prefixed with whsec_');
  }
  return encoding.b64decode(encoded, 'std');
}

/** Signs `${id}.${timestamp}.${body}` with HMAC-SHA256, exactly the string the service verifies. */
export function signWebhook(
  key: ArrayBuffer,
  id: string,
  timestampSeconds: number,
  body: string,
): WebhookSignatureHeaders {
  const digest = crypto.hmac('sha256', key, `${id}.${timestampSeconds}.${body}`, 'base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${digest}`,
  };
}
