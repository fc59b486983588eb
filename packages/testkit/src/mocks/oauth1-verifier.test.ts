import OAuth from 'mastercard-oauth1-signer';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  createOAuth1Verifier,
  oauthBodyHash,
  parseOAuthAuthorizationHeader,
  percentEncode,
  signatureBaseString,
} from './oauth1-verifier.js';
import { generateRsaKeyPair } from './rsa-keys.js';

// Mastercard consumer keys have this shape: two parts joined by `!`.
const consumerKey = 'sQ7rJ3pLx2kVn9cW4mTb_hYd8fGz1aEu6oRi5tNs0Pq!a1b2c3d4e5f6a7b8c9d0';
const { privateKeyPem, publicKeyPem } = generateRsaKeyPair();

const url = 'https://sandbox.api.ethocaweb.com/ethoca/alerts/merchants/outcomes?size=10&a=x%2Fy';
const body = '{"comments":"Réglé / refunded ✓","outcomes":[]}';

function sign(method: string, target: string, payload: string | null): string {
  return OAuth.getAuthorizationHeader(target, method, payload, consumerKey, privateKeyPem);
}

function verifier(now = Date.now) {
  return createOAuth1Verifier({ publicKeyPem, consumerKey, now });
}

/** The signer's own internals, which its type declarations leave out. */
const signerInternals = OAuth as unknown as {
  extractQueryParams(uri: string): Map<string, Set<string>>;
  getBaseUriString(uri: string): string;
  toOAuthParamString(query: Map<string, Set<string>>, oauth: Map<string, string>): string;
  getSignatureBaseString(method: string, baseUri: string, paramString: string): string;
};

describe('signatureBaseString', () => {
  it('builds the same base string as the Mastercard signer, query parameters included', () => {
    const header = sign('POST', url, body);
    const parsed = parseOAuthAuthorizationHeader(header);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { oauth_signature: _signature, ...oauthParams } = parsed.params;
    const theirs = signerInternals.getSignatureBaseString(
      'POST',
      signerInternals.getBaseUriString(url),
      signerInternals.toOAuthParamString(
        signerInternals.extractQueryParams(url),
        new Map(
          Object.entries(oauthParams).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
      ),
    );
    const ours = signatureBaseString({ method: 'post', url, oauthParams: parsed.params });
    expect(ours).toBe(theirs);
    expect(ours).toContain('size%3D10');
    expect(ours).toContain('a%3Dx%252Fy');
    expect(ours.startsWith('POST&https%3A%2F%2Fsandbox.api.ethocaweb.com%2Fethoca%2F')).toBe(true);
  });

  it('drops default ports, keeps others, and lower-cases scheme and host', () => {
    expect(baseStringUri('HTTPS://API.Example.COM:443/Path?q=1#frag')).toBe(
      'https://api.example.com/Path',
    );
    expect(baseStringUri('http://127.0.0.1:80/x')).toBe('http://127.0.0.1/x');
    expect(baseStringUri('http://127.0.0.1:8443/x')).toBe('http://127.0.0.1:8443/x');
  });

  it('percent-encodes the characters encodeURIComponent leaves alone', () => {
    expect(percentEncode("a!b*c'd(e)f ~")).toBe('a%21b%2Ac%27d%28e%29f%20~');
  });
});

describe('parseOAuthAuthorizationHeader', () => {
  it('reads every parameter of a signer header and decodes the signature', () => {
    const parsed = parseOAuthAuthorizationHeader(sign('GET', url, null));
    expect(parsed.ok && parsed.params.oauth_consumer_key).toBe(consumerKey);
    expect(parsed.ok && parsed.params.oauth_body_hash).toBe(oauthBodyHash(undefined));
    expect(parsed.ok && parsed.params.oauth_signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it.each([
    ['no header', undefined, 'no Authorization header'],
    ['a Bearer token', 'Bearer abc', 'not an OAuth header'],
    ['a missing nonce', 'OAuth oauth_consumer_key="k"', 'oauth_body_hash is missing'],
    ['an unquoted value', 'OAuth oauth_nonce=abc', 'malformed OAuth parameter'],
    ['a repeated parameter', 'OAuth oauth_nonce="a",oauth_nonce="b"', 'appears twice'],
  ])('rejects %s', (_name, header, reason) => {
    const parsed = parseOAuthAuthorizationHeader(header);
    expect(parsed.ok ? 'accepted' : parsed.reason).toContain(reason);
  });
});

describe('createOAuth1Verifier', () => {
  const rawBody = Buffer.from(body, 'utf8');

  it('accepts what the Mastercard signer signs, RSA-SHA256 and RSA-PSS', () => {
    const check = verifier();
    expect(
      check.verify({ method: 'POST', url, authorization: sign('POST', url, body), rawBody }),
    ).toMatchObject({ ok: true, consumerKey });
    const pss = OAuth.getAuthorizationHeader(
      url,
      'POST',
      body,
      consumerKey,
      privateKeyPem,
      'RSA-PSS-SHA256',
    );
    expect(check.verify({ method: 'POST', url, authorization: pss, rawBody }).ok).toBe(true);
  });

  it('rejects a body that differs from the signed one by a single re-serialisation', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body), null, 1));
    const result = verifier().verify({
      method: 'POST',
      url,
      authorization: sign('POST', url, body),
      rawBody: reserialised,
    });
    expect(result).toEqual({
      ok: false,
      reason: 'oauth_body_hash does not match the body received',
    });
  });

  it('rejects a request whose URL, query or method differs from the signed one', () => {
    const authorization = sign('POST', url, body);
    const check = verifier();
    const withoutQuery = url.split('?')[0] ?? url;
    for (const [method, target] of [
      ['POST', withoutQuery],
      ['POST', url.replace('size=10', 'size=11')],
      ['PUT', url],
    ] as const) {
      expect(check.verify({ method, url: target, authorization, rawBody })).toEqual({
        ok: false,
        reason: 'OAuth signature failed verification',
      });
    }
  });

  it('rejects a signature made with another key, and an unknown consumer key', () => {
    const other = generateRsaKeyPair().privateKeyPem;
    const forged = OAuth.getAuthorizationHeader(url, 'POST', body, consumerKey, other);
    expect(verifier().verify({ method: 'POST', url, authorization: forged, rawBody }).ok).toBe(
      false,
    );
    const stranger = OAuth.getAuthorizationHeader(url, 'POST', body, 'someone!else', privateKeyPem);
    expect(verifier().verify({ method: 'POST', url, authorization: stranger, rawBody })).toEqual({
      ok: false,
      reason: 'unknown oauth_consumer_key',
    });
  });

  it('accepts a timestamp up to 5 minutes away and rejects one further', () => {
    const authorization = sign('POST', url, body);
    const at = (offsetSeconds: number) => () => Date.now() + offsetSeconds * 1000;
    expect(verifier(at(290)).verify({ method: 'POST', url, authorization, rawBody }).ok).toBe(true);
    expect(verifier(at(-290)).verify({ method: 'POST', url, authorization, rawBody }).ok).toBe(
      true,
    );
    const late = verifier(at(310)).verify({ method: 'POST', url, authorization, rawBody });
    expect(late.ok ? 'accepted' : late.reason).toMatch(/oauth_timestamp is 31\d s away/);
  });

  it('rejects a nonce used twice within the window and forgets it afterwards', () => {
    let now = Date.now();
    const check = verifier(() => now);
    const authorization = sign('POST', url, body);
    expect(check.verify({ method: 'POST', url, authorization, rawBody }).ok).toBe(true);
    expect(check.verify({ method: 'POST', url, authorization, rawBody })).toEqual({
      ok: false,
      reason: 'oauth_nonce was already used',
    });
    check.reset();
    expect(check.verify({ method: 'POST', url, authorization, rawBody }).ok).toBe(true);
    // Long after the window the old request fails on its timestamp instead.
    now += 11 * 60 * 1000;
    const stale = check.verify({ method: 'POST', url, authorization, rawBody });
    expect(stale.ok ? 'accepted' : stale.reason).toMatch(/oauth_timestamp/);
  });
});
