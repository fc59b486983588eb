import { createHmac, randomBytes } from 'node:crypto';

/** The three headers a Standard Webhooks sender attaches to every delivery. */
export interface StandardWebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

export interface SignStandardWebhookInput {
  /**
   * The signing secret as `whsec_<base64>` or plain base64. Several secrets produce several
   * `v1,` signatures in one header, which is what a sender does while a secret is being rotated.
   */
  readonly secret: string | readonly string[];
  /** The message id; the receiver signs it verbatim. */
  readonly id: string;
  /** Unix time in seconds. */
  readonly timestamp: number;
  /** The exact bytes that will be sent as the request body. */
  readonly body: string | Uint8Array;
}

const SECRET_PREFIX = 'whsec_';

/** Decodes a Standard Webhooks secret; the spec defines the part after `whsec_` as base64. */
export function decodeStandardWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from silently drops characters that are not base64, which would turn a typo into a
  // different key; a strict check makes a bad test secret fail loudly instead.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new Error('Standard Webhooks secret must be base64, optionally prefixed with whsec_');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) {
    throw new Error('Standard Webhooks secret must not be empty');
  }
  return key;
}

/** Computes one `v1,<base64>` signature over `${id}.${timestamp}.${body}`. */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  const hmac = createHmac('sha256', decodeStandardWebhookSecret(secret));
  hmac.update(`${id}.${timestamp}.`, 'utf8');
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `v1,${hmac.digest('base64')}`;
}

/** Signs a delivery exactly as a Standard Webhooks sender would and returns its headers. */
export function signStandardWebhook(input: SignStandardWebhookInput): StandardWebhookHeaders {
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new Error(`timestamp must be whole Unix seconds, got ${input.timestamp}`);
  }
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0) {
    throw new Error('at least one secret is needed to sign a webhook');
  }
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': secrets
      .map((secret) => standardWebhookSignature(secret, input.id, input.timestamp, input.body))
      .join(' '),
  };
}

export interface StandardWebhookHeadersInput {
  readonly secret: string | readonly string[];
  readonly body: string | Uint8Array;
  /** Overrides the generated message id. */
  readonly id?: string;
  /** Clock in milliseconds since the epoch, like `Date.now`; tests pass a fixed one. */
  readonly now?: () => number;
}

/** Signs a delivery with a fresh `msg_` id and the current time, for the common test case. */
export function standardWebhookHeaders(input: StandardWebhookHeadersInput): StandardWebhookHeaders {
  const now = input.now ?? Date.now;
  return signStandardWebhook({
    secret: input.secret,
    id: input.id ?? `msg_${randomBytes(16).toString('base64url')}`,
    timestamp: Math.floor(now() / 1000),
    body: input.body,
  });
}

/** A fresh random secret in the `whsec_` form, 32 bytes as the spec recommends for HMAC-SHA256. */
export function generateStandardWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
