/**
 * Signs every request to Mastercard's APIs (the Ethoca Outcome API now, Mastercom later) with
 * OAuth 1.0a, RSA-SHA256 and the body hash extension, through Mastercard's own
 * `mastercard-oauth1-signer`.
 *
 * Two mistakes account for the 403 "OAuth Signature parameter failed verification" answers people
 * meet with these APIs, and the shape of `sign()` is chosen so neither can happen here:
 *
 * 1. **The body is re-serialised after signing.** The gateway hashes the bytes it receives and
 *    compares them with `oauth_body_hash`. Signing an object and letting the HTTP client
 *    serialise it again (another key order, spacing, `/` written as `\/`, non-ASCII escaped)
 *    changes the bytes. `sign()` therefore takes only the exact string or bytes the caller is
 *    about to send, never an object, and the caller sends that same value.
 * 2. **The signed URL is not the requested one.** The signature covers the absolute URL
 *    including every query parameter. Signing a relative path, or the URL without its query
 *    (which an HTTP client's interceptor easily does), fails. `sign()` refuses anything but an
 *    absolute http(s) URL and signs it with its query.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import OAuth from 'mastercard-oauth1-signer';
import forge from 'node-forge';

export interface MastercardSignerOptions {
  /** The consumer key of the Mastercard Developers project. */
  consumerKey: string;
  /** The project's RSA private signing key, PEM (PKCS#1 or PKCS#8). */
  signingKeyPem: string;
}

export interface MastercardRequest {
  method: string;
  /** The absolute URL the request goes to, with its query string. */
  url: string;
  /**
   * The exact body that will be sent: the serialised string or its bytes, or undefined for a
   * request without a body. Deliberately not an object: see the file comment.
   */
  body?: string | Uint8Array | undefined;
}

export interface MastercardSigner {
  readonly consumerKey: string;
  /** The `Authorization` header value for this exact request. Sign each attempt anew. */
  sign(request: MastercardRequest): string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The signer hashes a string as UTF-8. Bytes that are valid UTF-8 decode to a string that
 * encodes back to exactly the same bytes, so the hash is the hash of what is sent. Bytes that
 * are not valid UTF-8 cannot be passed through a string unchanged, so they are refused rather
 * than signed as something else.
 */
function bodyText(body: MastercardRequest['body']): string | null {
  if (body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) {
    try {
      return strictUtf8.decode(body);
    } catch {
      throw new TypeError('a Mastercard request body must be UTF-8');
    }
  }
  throw new TypeError(
    'sign() takes the exact body string or bytes that will be sent, not an object to serialise',
  );
}

function absoluteUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`sign() needs the absolute URL that will be requested, not ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`sign() needs an http(s) URL, not ${parsed.protocol}`);
  }
  // The serialisation fetch sends. It also drops a default port the signer would otherwise put
  // in the base string: it compares the parsed port, a string, with the numbers 443 and 80.
  parsed.hash = '';
  return parsed.href;
}

export function createMastercardSigner(options: MastercardSignerOptions): MastercardSigner {
  if (options.consumerKey.trim() === '') throw new Error('the Mastercard consumer key is empty');
  // Parse the key now, so a wrong or non-RSA key fails at start-up rather than on the first
  // outcome, hours later.
  const key = createPrivateKey(options.signingKeyPem);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(
      `the Mastercard signing key must be RSA, not ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  }
  const consumerKey = options.consumerKey;
  const signingKeyPem = options.signingKeyPem;

  return {
    consumerKey,
    sign(request) {
      if (!/^[A-Za-z]+$/.test(request.method))
        throw new TypeError(`invalid HTTP method ${request.method}`);
      return OAuth.getAuthorizationHeader(
        absoluteUrl(request.url),
        request.method.toUpperCase(),
        bodyText(request.body),
        consumerKey,
        signingKeyPem,
      );
    },
  };
}

export interface SigningKeySource {
  /** A PKCS#12 file (`.p12`) as Mastercard Developers issues it. */
  p12Path?: string;
  p12Password?: string;
  /** The key's friendly name in the file; optional when the file holds one key. */
  p12Alias?: string;
  /** A PEM private key file, the alternative to a PKCS#12 file. */
  pemPath?: string;
}

/**
 * The private key in a PKCS#12 container, as PEM. Mastercard's files keep it in a
 * `pkcs8ShroudedKeyBag`, read here with node-forge as the signer's documentation shows.
 */
export function signingKeyFromPkcs12(p12: Uint8Array, password: string, alias?: string): string {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    throw new Error(`cannot open the PKCS#12 file: ${(error as Error).message}`, { cause: error });
  }
  const bagType = forge.pki.oids.pkcs8ShroudedKeyBag;
  if (bagType === undefined) throw new Error('node-forge lacks the pkcs8ShroudedKeyBag OID');
  const bags =
    alias === undefined
      ? (pfx.getBags({ bagType })[bagType] ?? [])
      : (pfx.getBags({ friendlyName: alias, bagType }).friendlyName ?? []);
  if (bags.length === 0) {
    throw new Error(
      alias === undefined
        ? 'the PKCS#12 file holds no private key'
        : `the PKCS#12 file holds no private key named ${alias}`,
    );
  }
  if (bags.length > 1) {
    throw new Error('the PKCS#12 file holds several private keys; name one with the alias');
  }
  const privateKey = bags[0]?.key;
  if (privateKey === undefined) throw new Error('the PKCS#12 key bag is empty');
  return forge.pki.privateKeyToPem(privateKey);
}

/** Reads the signing key from a PKCS#12 file or a PEM file, whichever the configuration names. */
export async function loadSigningKey(source: SigningKeySource): Promise<string> {
  const { p12Path, pemPath } = source;
  // The paths come from the operator's configuration (a mounted Secret), never from a request.
  /* eslint-disable security/detect-non-literal-fs-filename */
  if (pemPath !== undefined && p12Path === undefined) {
    const pem = await readFile(pemPath, 'utf8');
    createPrivateKey(pem);
    return pem;
  }
  if (p12Path !== undefined && pemPath === undefined) {
    if (source.p12Password === undefined) {
      throw new Error('a PKCS#12 signing key needs its password');
    }
    const p12 = await readFile(p12Path);
    return signingKeyFromPkcs12(p12, source.p12Password, source.p12Alias);
  }
  /* eslint-enable security/detect-non-literal-fs-filename */
  throw new Error('name exactly one signing key file: a PKCS#12 file or a PEM file');
}
