/**
 * Verifies Mastercard-style OAuth 1.0a requests (RFC 5849, RSA-SHA256, with the body hash
 * extension) the way Mastercard's gateway does, written independently of the signer so a test can
 * catch a signer that signs the wrong thing.
 *
 * The signature base string is `METHOD&enc(base URL)&enc(parameter string)` where:
 * - the base URL is scheme and host in lower case, the port only when it is not the scheme's
 *   default, and the path, without query or fragment;
 * - the parameter string holds the query parameters and every `oauth_*` parameter except
 *   `oauth_signature`, sorted by name and then value, joined as `name=value` with `&`;
 * - `enc` is RFC 3986 percent-encoding (everything except `A-Z a-z 0-9 - . _ ~`).
 *
 * One Mastercard convention differs from RFC 5849 and has to be followed to verify their signer:
 * the `oauth_*` values go into the parameter string as they are, not percent-encoded first (the
 * whole string is encoded once). The body hash is base64 and consumer keys contain `!`, so this
 * changes the string on every request. Query parameters keep the percent-encoding they have on the
 * wire, which for a canonically encoded URL is what RFC 5849's decode-then-encode produces.
 */
import { createHash, createPublicKey, constants, timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const SIGNED_OAUTH_PARAMETERS = [
  'oauth_body_hash',
  'oauth_consumer_key',
  'oauth_nonce',
  'oauth_signature_method',
  'oauth_timestamp',
] as const;

export type OAuth1SignatureMethod = 'RSA-SHA256' | 'RSA-PSS';

export interface OAuth1Parameters {
  /** Any further parameter in the header (`realm`, or an extension's `oauth_*`). */
  [name: string]: string | undefined;
  oauth_body_hash: string;
  oauth_consumer_key: string;
  oauth_nonce: string;
  oauth_signature: string;
  oauth_signature_method: string;
  oauth_timestamp: string;
  oauth_version?: string;
}

/** RFC 3986 percent-encoding: `encodeURIComponent` leaves `!'()*` alone, the RFC does not. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Parses `OAuth name="value", …` (RFC 5849 §3.5.1). Values are percent-decoded. A header that is
 * not OAuth, lacks a required parameter or repeats one is rejected with the reason.
 */
export function parseOAuthAuthorizationHeader(
  header: string | undefined,
): { ok: true; params: OAuth1Parameters } | { ok: false; reason: string } {
  if (header === undefined || header === '')
    return { ok: false, reason: 'no Authorization header' };
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (match?.[1] === undefined)
    return { ok: false, reason: 'Authorization is not an OAuth header' };
  const params = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const pair = /^\s*([A-Za-z0-9_.~-]+)="([^"]*)"\s*$/.exec(part);
    if (pair?.[1] === undefined || pair[2] === undefined) {
      return { ok: false, reason: `malformed OAuth parameter: ${part.trim()}` };
    }
    if (params.has(pair[1])) return { ok: false, reason: `${pair[1]} appears twice` };
    try {
      params.set(pair[1], decodeURIComponent(pair[2]));
    } catch {
      return { ok: false, reason: `${pair[1]} is not valid percent-encoding` };
    }
  }
  for (const name of [...SIGNED_OAUTH_PARAMETERS, 'oauth_signature']) {
    if (!params.get(name)) return { ok: false, reason: `${name} is missing` };
  }
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    return { ok: false, reason: `oauth_version must be 1.0, not ${version}` };
  }
  return { ok: true, params: Object.fromEntries(params) as unknown as OAuth1Parameters };
}

/** The base string URL of RFC 5849 §3.4.1.2: no query, no fragment, no default port. */
export function baseStringUri(url: string): string {
  const parsed = new URL(url);
  // WHATWG URL already lower-cases scheme and host and drops the scheme's default port.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

function queryParameters(url: string): [string, string][] {
  const query = new URL(url).search.slice(1);
  if (query === '') return [];
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const index = pair.indexOf('=');
      const name = index < 0 ? pair : pair.slice(0, index);
      const value = index < 0 ? '' : pair.slice(index + 1);
      return [normaliseEncoding(name), normaliseEncoding(value)];
    });
}

/** Re-encodes a wire value canonically, so `%7e` and `~` or `%2f` and `%2F` sign the same. */
function normaliseEncoding(value: string): string {
  try {
    return percentEncode(decodeURIComponent(value));
  } catch {
    return value;
  }
}

/**
 * The signature base string for a request: method, absolute URL (with its query) and the OAuth
 * parameters other than the signature, as described in the file comment.
 */
export function signatureBaseString(input: {
  method: string;
  url: string;
  oauthParams: Readonly<Record<string, string | undefined>>;
}): string {
  const pairs: [string, string][] = [...queryParameters(input.url)];
  for (const [name, value] of Object.entries(input.oauthParams)) {
    if (value !== undefined && name.startsWith('oauth_') && name !== 'oauth_signature') {
      pairs.push([name, value]);
    }
  }
  pairs.sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
  );
  const parameterString = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return [
    input.method.toUpperCase(),
    percentEncode(baseStringUri(input.url)),
    percentEncode(parameterString),
  ].join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** base64(SHA-256(bytes)): the `oauth_body_hash` of a body, the hash of nothing for no body. */
export function oauthBodyHash(body: string | Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('base64');
}

export interface OAuth1VerifierOptions {
  publicKeyPem: string;
  /** When set, only this consumer key is accepted. */
  consumerKey?: string;
  /** How far `oauth_timestamp` may be from now; also how long a nonce is remembered. */
  toleranceSeconds?: number;
  /** The clock, in milliseconds; tests move it. */
  now?: () => number;
}

export interface OAuth1Request {
  method: string;
  /** The absolute URL the request was sent to, query included. */
  url: string;
  authorization: string | undefined;
  /** The exact bytes received. */
  rawBody: Uint8Array;
}

export type OAuth1Verification =
  { ok: true; consumerKey: string; nonce: string } | { ok: false; reason: string };

export interface OAuth1Verifier {
  verify(request: OAuth1Request): OAuth1Verification;
  /** Forgets the nonces seen so far. */
  reset(): void;
}

const DEFAULT_TOLERANCE_SECONDS = 300;

export function createOAuth1Verifier(options: OAuth1VerifierOptions): OAuth1Verifier {
  const publicKey: KeyObject = createPublicKey(options.publicKeyPem);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? Date.now;
  // nonce key -> when it may be forgotten (ms). A nonce only needs remembering while a request
  // carrying it could still pass the timestamp check.
  const seenNonces = new Map<string, number>();

  function forgetExpiredNonces(nowMs: number): void {
    for (const [key, expiresAt] of seenNonces) if (expiresAt <= nowMs) seenNonces.delete(key);
  }

  return {
    reset() {
      seenNonces.clear();
    },
    verify(request) {
      const parsed = parseOAuthAuthorizationHeader(request.authorization);
      if (!parsed.ok) return parsed;
      const params = parsed.params;

      if (options.consumerKey !== undefined && params.oauth_consumer_key !== options.consumerKey) {
        return { ok: false, reason: 'unknown oauth_consumer_key' };
      }
      const method = params.oauth_signature_method;
      if (method !== 'RSA-SHA256' && method !== 'RSA-PSS') {
        return { ok: false, reason: `unsupported oauth_signature_method ${method}` };
      }

      const nowMs = now();
      if (!/^\d{1,12}$/.test(params.oauth_timestamp)) {
        return { ok: false, reason: 'oauth_timestamp is not Unix seconds' };
      }
      const skewSeconds = Math.abs(Number(params.oauth_timestamp) - nowMs / 1000);
      if (skewSeconds > toleranceSeconds) {
        return {
          ok: false,
          reason: `oauth_timestamp is ${Math.round(skewSeconds)} s away from now (more than ${toleranceSeconds} s)`,
        };
      }

      const expectedHash = Buffer.from(oauthBodyHash(request.rawBody));
      const givenHash = Buffer.from(params.oauth_body_hash);
      if (expectedHash.length !== givenHash.length || !timingSafeEqual(expectedHash, givenHash)) {
        return { ok: false, reason: 'oauth_body_hash does not match the body received' };
      }

      let base: string;
      try {
        base = signatureBaseString({
          method: request.method,
          url: request.url,
          oauthParams: params,
        });
      } catch {
        return { ok: false, reason: 'request URL is not absolute' };
      }
      const signature = Buffer.from(params.oauth_signature, 'base64');
      const key =
        method === 'RSA-PSS'
          ? {
              key: publicKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
            }
          : publicKey;
      if (!verify('sha256', Buffer.from(base, 'utf8'), key, signature)) {
        return { ok: false, reason: 'OAuth signature failed verification' };
      }

      // Checked after the signature, so forged requests cannot use up a client's nonces.
      forgetExpiredNonces(nowMs);
      const nonceKey = `${params.oauth_consumer_key}\n${params.oauth_nonce}`;
      if (seenNonces.has(nonceKey)) {
        return { ok: false, reason: 'oauth_nonce was already used' };
      }
      seenNonces.set(nonceKey, nowMs + 2 * toleranceSeconds * 1000);
      return { ok: true, consumerKey: params.oauth_consumer_key, nonce: params.oauth_nonce };
    },
  };
}
