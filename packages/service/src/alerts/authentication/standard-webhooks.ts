import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { accepted, notApplicable, rejected, type ModeOutcome } from './auth-result.js';
import { DEFAULT_TOLERANCE_SECONDS, type HmacAuthOptions } from './delivery-auth-options.js';
import { readSingleHeader, type DeliveryRequest } from './request-headers.js';

/*
 * Standard Webhooks (standardwebhooks.com), signature version v1: HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}` keyed with the base64-decoded secret, sent as one
 * or more space-separated `v1,<base64>` entries in `webhook-signature`.
 */

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Whole Unix seconds; a sign, fraction or exponent is not something a sender would sign. */
const UNIX_SECONDS = /^\d{1,12}$/;
/** A sender rotating secrets sends a few signatures; far more is an attempt to burn CPU. */
const MAX_SIGNATURES = 32;

export interface CompiledHmac {
  /**
   * Secret KeyObjects made once at start: `createHmac` with a Buffer key builds a KeyObject for
   * every call, which took about 20 µs per HMAC against 4 µs with a prepared one (Node 24).
   */
  readonly keys: readonly KeyObject[];
  readonly toleranceSeconds: number;
}

/** Decodes `whsec_<base64>` or plain base64; throws on anything else or on an empty key. */
export function decodeWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  // Buffer.from skips characters outside the alphabet, which would quietly turn a mistyped secret
  // into a different key; the strict pattern turns it into a start-up error instead.
  if (!BASE64.test(encoded)) {
    throw new Error('is not base64 (optionally prefixed with whsec_)');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) {
    throw new Error('decodes to an empty key');
  }
  return key;
}

export function compileHmac(options: HmacAuthOptions): CompiledHmac {
  if (options.secrets.length === 0) {
    throw new Error('hmac.secrets is empty');
  }
  const keys = options.secrets.map((secret, index) => {
    try {
      return createSecretKey(decodeWebhookSecret(secret));
    } catch (error) {
      // The message names the position only: a secret must never reach a log line.
      throw new Error(`hmac.secrets[${index}] ${(error as Error).message}`);
    }
  });
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(toleranceSeconds) || toleranceSeconds <= 0) {
    throw new Error('hmac.toleranceSeconds must be a positive whole number of seconds');
  }
  return { keys, toleranceSeconds };
}

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Verifies a Standard Webhooks signature over the exact body bytes. A request without any of the
 * three headers carries no HMAC credential; one with only some of them is a broken sender.
 */
export function checkStandardWebhook(
  req: DeliveryRequest,
  rawBody: Buffer,
  compiled: CompiledHmac,
  nowMs: number,
): ModeOutcome {
  const [id, timestamp, signature] = SIGNATURE_HEADERS.map((name) => readSingleHeader(req, name));
  if (id === undefined || timestamp === undefined || signature === undefined) {
    return notApplicable;
  }
  const reads = [id, timestamp, signature];
  if (reads.every((read) => read.status === 'missing')) {
    return notApplicable;
  }
  for (const read of reads) {
    if (read.status === 'invalid') {
      return rejected('signature_malformed_headers', read.detail);
    }
  }
  if (id.status !== 'present' || timestamp.status !== 'present' || signature.status !== 'present') {
    const missing = SIGNATURE_HEADERS.filter((_name, index) => reads[index]?.status === 'missing');
    return rejected('signature_missing_headers', `missing ${missing.join(', ')}`);
  }

  if (!UNIX_SECONDS.test(timestamp.value)) {
    return rejected('signature_malformed_headers', 'webhook-timestamp is not Unix seconds');
  }
  // Both directions are bounded: an old timestamp is a replay, and one far in the future would
  // let a captured request be replayed for as long as it stays ahead of the clock.
  const signedAt = Number(timestamp.value);
  const now = Math.floor(nowMs / 1000);
  if (now - signedAt > compiled.toleranceSeconds) {
    return rejected(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is ${now - signedAt}s old, tolerance is ${compiled.toleranceSeconds}s`,
    );
  }
  if (signedAt - now > compiled.toleranceSeconds) {
    return rejected(
      'timestamp_out_of_tolerance',
      `webhook-timestamp is ${signedAt - now}s in the future, tolerance is ${compiled.toleranceSeconds}s`,
    );
  }

  // The header strings are signed as sent, and the body as the exact bytes received: parsing and
  // re-serialising either would change what the HMAC covers.
  const signedPrefix = Buffer.from(`${id.value}.${timestamp.value}.`, 'utf8');
  const expected = compiled.keys.map((key) =>
    createHmac('sha256', key).update(signedPrefix).update(rawBody).digest(),
  );

  const entries = signature.value.split(' ').filter((entry) => entry.length > 0);
  if (entries.length > MAX_SIGNATURES) {
    return rejected(
      'signature_malformed_headers',
      `webhook-signature has ${entries.length} entries, more than ${MAX_SIGNATURES}`,
    );
  }
  let v1Count = 0;
  for (const entry of entries) {
    const comma = entry.indexOf(',');
    // Other versions (v1a for asymmetric signatures, future ones) are skipped, not failed: a
    // sender may attach them alongside v1 and the spec says receivers ignore what they do not use.
    if (comma < 0 || entry.slice(0, comma) !== 'v1') {
      continue;
    }
    v1Count += 1;
    const candidate = Buffer.from(entry.slice(comma + 1), 'base64');
    for (const [index, digest] of expected.entries()) {
      // timingSafeEqual throws on different lengths, and the length of a truncated or garbled
      // signature reveals nothing about the secret, so it is checked first.
      if (candidate.length === digest.length && timingSafeEqual(candidate, digest)) {
        return accepted(`hmac secret #${index + 1}`);
      }
    }
  }
  return rejected(
    'signature_mismatch',
    v1Count === 0
      ? 'webhook-signature holds no v1 signature'
      : `none of ${v1Count} v1 signature${v1Count === 1 ? '' : 's'} matches ` +
          `any of ${compiled.keys.length} configured secret${compiled.keys.length === 1 ? '' : 's'}`,
  );
}
