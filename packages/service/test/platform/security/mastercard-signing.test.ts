import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOAuth1Verifier,
  ETHOCA_OUTCOMES_PATH,
  generateRsaKeyPair,
  parseOAuthAuthorizationHeader,
  startMockEthoca,
} from '@mastercom/testkit';
import { createOutcomeRequest } from '@mastercom/contracts/fixtures';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import {
  createMastercardSigner,
  loadSigningKey,
  signingKeyFromPkcs12,
  type MastercardRequest,
} from '../../../src/platform/security/mastercard-signing.js';
import { mastercardSignerFromConfig } from '../../../src/mastercard-signer-settings.js';

const consumerKey = 'zK3pQ9xV2mL7nR4tW8yB1cF6hJ0sD5gA_eU3iO7kN2!4f9e8d7c6b5a4f3e2d1c0';
const keys = generateRsaKeyPair();
const signer = createMastercardSigner({ consumerKey, signingKeyPem: keys.privateKeyPem });

const outcomesUrl = 'https://sandbox.api.ethocaweb.com/ethoca/alerts/merchants/outcomes';
// A body the way a careless client breaks it: `\/` is valid JSON that re-serialises as `/`.
const body = '{"comments":"Remboursé \\/ annulé – ✓ 返金","path":"a/b"}';

function sha256Base64(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

function parsedHeader(request: MastercardRequest) {
  const parsed = parseOAuthAuthorizationHeader(signer.sign(request));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.params;
}

function verify(request: MastercardRequest & { authorization: string }) {
  const verifier = createOAuth1Verifier({ publicKeyPem: keys.publicKeyPem, consumerKey });
  return verifier.verify({
    method: request.method,
    url: request.url,
    authorization: request.authorization,
    rawBody:
      typeof request.body === 'string'
        ? Buffer.from(request.body, 'utf8')
        : Buffer.from(request.body ?? new Uint8Array()),
  });
}

describe('createMastercardSigner().sign', () => {
  it('produces an OAuth header with every field, well formed', () => {
    const header = signer.sign({ method: 'POST', url: outcomesUrl, body });
    expect(header.startsWith('OAuth ')).toBe(true);
    for (const part of header.slice('OAuth '.length).split(',')) {
      expect(part).toMatch(/^oauth_[a-z_]+="[^",]*"$/);
    }
    const params = parsedHeader({ method: 'POST', url: outcomesUrl, body });
    expect(params.oauth_consumer_key).toBe(consumerKey);
    expect(params.oauth_signature_method).toBe('RSA-SHA256');
    expect(params.oauth_version).toBe('1.0');
    expect(params.oauth_nonce).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(Math.abs(Number(params.oauth_timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(params.oauth_body_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    // 2048-bit RSA: 256 signature bytes.
    expect(Buffer.from(params.oauth_signature, 'base64')).toHaveLength(256);
  });

  it('hashes the exact bytes, including "/" escapes and non-ASCII text', () => {
    const bytes = Buffer.from(body, 'utf8');
    expect(parsedHeader({ method: 'POST', url: outcomesUrl, body }).oauth_body_hash).toBe(
      sha256Base64(bytes),
    );
    expect(parsedHeader({ method: 'POST', url: outcomesUrl, body: bytes }).oauth_body_hash).toBe(
      sha256Base64(bytes),
    );
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(reserialised).not.toBe(body);
    expect(
      parsedHeader({ method: 'POST', url: outcomesUrl, body: reserialised }).oauth_body_hash,
    ).not.toBe(sha256Base64(bytes));
  });

  it('hashes the empty body for a request without one', () => {
    expect(parsedHeader({ method: 'GET', url: outcomesUrl }).oauth_body_hash).toBe(
      sha256Base64(''),
    );
  });

  it('produces a signature the independent verifier accepts', () => {
    const request = { method: 'POST', url: outcomesUrl, body };
    expect(verify({ ...request, authorization: signer.sign(request) })).toMatchObject({
      ok: true,
      consumerKey,
    });
  });

  it('signs the query parameters: the header verifies only for the URL with its query', () => {
    const url = 'https://api.mastercard.com/mastercom/v6/queues?queue-name=Cases%20Received&page=2';
    const authorization = signer.sign({ method: 'GET', url });
    expect(verify({ method: 'GET', url, authorization }).ok).toBe(true);
    expect(verify({ method: 'GET', url: url.replace('page=2', 'page=3'), authorization })).toEqual({
      ok: false,
      reason: 'OAuth signature failed verification',
    });
    expect(verify({ method: 'GET', url: url.split('?')[0] ?? url, authorization }).ok).toBe(false);
  });

  it('signs the URL fetch requests: a default port is left out of the base string', () => {
    const authorization = signer.sign({
      method: 'POST',
      url: 'https://sandbox.api.ethocaweb.com:443/ethoca/alerts/merchants/outcomes',
      body,
    });
    expect(verify({ method: 'POST', url: outcomesUrl, body, authorization }).ok).toBe(true);
  });

  it('refuses what would make the gateway answer 403: a relative URL or an object body', () => {
    expect(() => signer.sign({ method: 'POST', url: ETHOCA_OUTCOMES_PATH, body })).toThrow(
      /absolute URL/,
    );
    const objectBody = JSON.parse(body) as unknown as string;
    expect(() => signer.sign({ method: 'POST', url: outcomesUrl, body: objectBody })).toThrow(
      /exact body string or bytes/,
    );
    expect(() =>
      signer.sign({ method: 'POST', url: outcomesUrl, body: Uint8Array.of(0xc3, 0x28) }),
    ).toThrow(/UTF-8/);
    expect(() => signer.sign({ method: 'POST', url: 'ftp://example.com/x' })).toThrow(/http\(s\)/);
  });

  it('refuses an empty consumer key and a key that is not RSA when created', () => {
    expect(() =>
      createMastercardSigner({ consumerKey: ' ', signingKeyPem: keys.privateKeyPem }),
    ).toThrow(/consumer key/);
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(() => createMastercardSigner({ consumerKey, signingKeyPem: ec.privateKey })).toThrow(
      /must be RSA/,
    );
  });

  it('is accepted by the mock Outcome API over real HTTP', async () => {
    const ethoca = await startMockEthoca({ publicKeyPem: keys.publicKeyPem, consumerKey });
    try {
      const outcomeBody = JSON.stringify(createOutcomeRequest(5, 2));
      const response = await fetch(ethoca.outcomesUrl, {
        method: 'POST',
        headers: {
          authorization: signer.sign({
            method: 'POST',
            url: ethoca.outcomesUrl,
            body: outcomeBody,
          }),
          'content-type': 'application/json',
        },
        body: outcomeBody,
      });
      expect(response.status).toBe(200);
      expect(ethoca.state.outcomes.size).toBe(2);
    } finally {
      await ethoca.close();
    }
  });
});

describe('loadSigningKey', () => {
  let dir: string;
  const p12Password = 'keystorepassword';

  /** A PKCS#12 file as Mastercard Developers issues it: the key and its certificate. */
  function pkcs12(friendlyName: string): Buffer {
    const privateKey = forge.pki.privateKeyFromPem(keys.privateKeyPem);
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
    certificate.serialNumber = '01';
    certificate.validity.notBefore = new Date();
    certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
    certificate.setSubject([{ name: 'commonName', value: 'mastercom-service test' }]);
    certificate.setIssuer([{ name: 'commonName', value: 'mastercom-service test' }]);
    certificate.sign(privateKey, forge.md.sha256.create());
    const asn1 = forge.pkcs12.toPkcs12Asn1(privateKey, [certificate], p12Password, {
      friendlyName,
      algorithm: '3des',
    });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  }

  const jwk = (pem: string) => createPrivateKey(pem).export({ format: 'jwk' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mastercard-signing-'));
    // Files in this test's own temporary directory.
    /* eslint-disable security/detect-non-literal-fs-filename */
    await writeFile(join(dir, 'key.p12'), pkcs12('keyalias'));
    await writeFile(join(dir, 'key.pem'), keys.privateKeyPem);
    /* eslint-enable security/detect-non-literal-fs-filename */
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the key from a PKCS#12 file by alias, and without one when it holds one key', async () => {
    const p12Path = join(dir, 'key.p12');
    const expected = jwk(keys.privateKeyPem);
    expect(jwk(await loadSigningKey({ p12Path, p12Password, p12Alias: 'keyalias' }))).toEqual(
      expected,
    );
    expect(jwk(await loadSigningKey({ p12Path, p12Password }))).toEqual(expected);
  });

  it('reads a PEM key file', async () => {
    expect(jwk(await loadSigningKey({ pemPath: join(dir, 'key.pem') }))).toEqual(
      jwk(keys.privateKeyPem),
    );
  });

  it('signs with a key loaded from PKCS#12 so the public key verifies it', async () => {
    const signingKeyPem = await loadSigningKey({ p12Path: join(dir, 'key.p12'), p12Password });
    const fromP12 = createMastercardSigner({ consumerKey, signingKeyPem });
    const request = { method: 'POST', url: outcomesUrl, body };
    expect(verify({ ...request, authorization: fromP12.sign(request) }).ok).toBe(true);
  });

  it('explains a wrong password, an unknown alias and a missing or doubled source', async () => {
    const p12 = pkcs12('keyalias');
    expect(() => signingKeyFromPkcs12(p12, 'wrong')).toThrow(/cannot open the PKCS#12 file/);
    expect(() => signingKeyFromPkcs12(p12, p12Password, 'other')).toThrow(
      /no private key named other/,
    );
    await expect(loadSigningKey({})).rejects.toThrow(/exactly one signing key file/);
    await expect(
      loadSigningKey({ p12Path: join(dir, 'key.p12'), pemPath: join(dir, 'key.pem') }),
    ).rejects.toThrow(/exactly one signing key file/);
    await expect(loadSigningKey({ p12Path: join(dir, 'key.p12') })).rejects.toThrow(/password/);
  });

  it('builds the signer the configuration names, and none without a consumer key', async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom',
      MASTERCARD_CONSUMER_KEY: consumerKey,
      MASTERCARD_SIGNING_KEY_P12_PATH: join(dir, 'key.p12'),
      MASTERCARD_SIGNING_KEY_P12_PASSWORD: p12Password,
      MASTERCARD_SIGNING_KEY_ALIAS: 'keyalias',
    });
    const configured = await mastercardSignerFromConfig(config);
    const request = { method: 'POST', url: outcomesUrl, body };
    expect(configured?.consumerKey).toBe(consumerKey);
    expect(verify({ ...request, authorization: configured?.sign(request) ?? '' }).ok).toBe(true);
    expect(
      await mastercardSignerFromConfig(
        loadConfig({ DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom' }),
      ),
    ).toBeUndefined();
  });

  it.each([
    [{ MASTERCARD_CONSUMER_KEY: consumerKey }, 'MASTERCARD_SIGNING_KEY_P12_PATH'],
    [{ MASTERCARD_SIGNING_KEY_PEM_PATH: '/keys/key.pem' }, 'MASTERCARD_CONSUMER_KEY'],
    [
      { MASTERCARD_CONSUMER_KEY: consumerKey, MASTERCARD_SIGNING_KEY_P12_PATH: '/keys/key.p12' },
      'MASTERCARD_SIGNING_KEY_P12_PASSWORD',
    ],
    [
      {
        MASTERCARD_CONSUMER_KEY: consumerKey,
        MASTERCARD_SIGNING_KEY_PEM_PATH: '/keys/key.pem',
        MASTERCARD_SIGNING_KEY_P12_PATH: '/keys/key.p12',
        MASTERCARD_SIGNING_KEY_P12_PASSWORD: p12Password,
      },
      'MASTERCARD_SIGNING_KEY_PEM_PATH',
    ],
  ])('refuses an incomplete signing configuration %#, naming %s', (env, variable) => {
    let problems: string[] = [];
    try {
      loadConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
  });
});
