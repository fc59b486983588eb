import { signStandardWebhook } from '@mastercom/testkit';
import { describe, expect, it } from 'vitest';
import { authenticateDelivery } from '../../../src/alerts/authentication/authenticate-delivery.js';
import type { DeliveryAuthOptions } from '../../../src/alerts/authentication/delivery-auth-options.js';
import type { DeliveryRequest } from '../../../src/alerts/authentication/request-headers.js';

// The Standard Webhooks reference vector. The body is the literal byte string that was signed,
// space included; JSON.stringify of the same value would drop the space and fail verification.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const vectorTimestamp = 1614265330;
const body = Buffer.from('{"test": 2432232314}', 'utf8');
const vectorSignature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const options: DeliveryAuthOptions = { hmac: { secrets: [secret] } };
const at = (seconds: number) => (): number => seconds * 1000;
const clock = at(vectorTimestamp);

function request(headers: Record<string, string | string[]>): DeliveryRequest {
  return { headers, socket: { remoteAddress: '203.0.113.9' } };
}

function signedHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(vectorTimestamp),
    'webhook-signature': vectorSignature,
    ...overrides,
  };
}

describe('Standard Webhooks HMAC verification', () => {
  it('accepts the published signing vector', () => {
    expect(authenticateDelivery(request(signedHeaders()), body, options, clock)).toEqual({
      ok: true,
      mode: 'hmac',
      principal: 'hmac secret #1',
    });
  });

  it('agrees with the testkit signer on a fresh delivery', () => {
    const payload = Buffer.from('{"alerts":[{"alertId":"a-1"}]}');
    const headers = signStandardWebhook({
      secret,
      id: 'msg_2',
      timestamp: 1_700_000_000,
      body: payload,
    });
    const result = authenticateDelivery(
      request({ ...headers }),
      payload,
      options,
      at(1_700_000_000),
    );
    expect(result.ok).toBe(true);
  });

  it('verifies the exact bytes, so a re-serialised body fails', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(
      authenticateDelivery(request(signedHeaders()), reserialised, options, clock),
    ).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a delivery without %s as missing headers',
    (name) => {
      const headers = Object.fromEntries(
        Object.entries(signedHeaders()).filter(([header]) => header !== name),
      );
      const result = authenticateDelivery(request(headers), body, options, clock);
      expect(result).toEqual({
        ok: false,
        reason: 'signature_missing_headers',
        detail: `hmac: missing ${name}`,
      });
    },
  );

  it('refuses a signature made over a different message id', () => {
    const result = authenticateDelivery(
      request(signedHeaders({ 'webhook-id': 'msg_other' })),
      body,
      options,
      clock,
    );
    expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses an invalid, a truncated and an empty v1 signature', () => {
    for (const signature of ['v1,dawfeoifkpqwoekfpqoekf', vectorSignature.slice(0, 8), 'v1,']) {
      const result = authenticateDelivery(
        request(signedHeaders({ 'webhook-signature': signature })),
        body,
        options,
        clock,
      );
      expect(result).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    }
  });

  it('refuses a non-numeric, signed, fractional or absurdly long timestamp as malformed', () => {
    for (const timestamp of ['hello', '-1614265330', '1614265330.5', '1e9', '9'.repeat(40)]) {
      const result = authenticateDelivery(
        request(signedHeaders({ 'webhook-timestamp': timestamp })),
        body,
        options,
        clock,
      );
      expect(result).toEqual({
        ok: false,
        reason: 'signature_malformed_headers',
        detail: 'hmac: webhook-timestamp is not Unix seconds',
      });
    }
  });

  it('refuses a timestamp older than the tolerance and accepts one at its edge', () => {
    expect(
      authenticateDelivery(request(signedHeaders()), body, options, at(vectorTimestamp + 301)),
    ).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
      detail: 'hmac: webhook-timestamp is 301s old, tolerance is 300s',
    });
    expect(
      authenticateDelivery(request(signedHeaders()), body, options, at(vectorTimestamp + 300)).ok,
    ).toBe(true);
  });

  it('refuses a timestamp further in the future than the tolerance and accepts one at its edge', () => {
    expect(
      authenticateDelivery(request(signedHeaders()), body, options, at(vectorTimestamp - 301)),
    ).toEqual({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
      detail: 'hmac: webhook-timestamp is 301s in the future, tolerance is 300s',
    });
    expect(
      authenticateDelivery(request(signedHeaders()), body, options, at(vectorTimestamp - 300)).ok,
    ).toBe(true);
  });

  it('applies a configured tolerance instead of the default', () => {
    const strict: DeliveryAuthOptions = { hmac: { secrets: [secret], toleranceSeconds: 10 } };
    expect(
      authenticateDelivery(request(signedHeaders()), body, strict, at(vectorTimestamp + 11)),
    ).toMatchObject({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    expect(
      authenticateDelivery(request(signedHeaders()), body, strict, at(vectorTimestamp + 10)).ok,
    ).toBe(true);
  });

  it('accepts a header with several signatures when one of them is valid', () => {
    const other = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const signatures = [
      other,
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      vectorSignature,
      other,
    ];
    const result = authenticateDelivery(
      request(signedHeaders({ 'webhook-signature': signatures.join(' ') })),
      body,
      options,
      clock,
    );
    expect(result.ok).toBe(true);
  });

  it('ignores signatures with another version prefix, even when their bytes would match', () => {
    const v2 = vectorSignature.replace(/^v1,/, 'v2,');
    const v1a = vectorSignature.replace(/^v1,/, 'v1a,');
    const result = authenticateDelivery(
      request(signedHeaders({ 'webhook-signature': `${v2} ${v1a} nocomma` })),
      body,
      options,
      clock,
    );
    expect(result).toEqual({
      ok: false,
      reason: 'signature_mismatch',
      detail: 'hmac: webhook-signature holds no v1 signature',
    });
  });

  it('accepts the secret with or without the whsec_ prefix', () => {
    for (const configured of [secret, secret.slice('whsec_'.length)]) {
      const result = authenticateDelivery(
        request(signedHeaders()),
        body,
        { hmac: { secrets: [configured] } },
        clock,
      );
      expect(result.ok).toBe(true);
    }
  });

  it('accepts a signature from any of several secrets and names which one matched', () => {
    const newSecret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const rotating: DeliveryAuthOptions = { hmac: { secrets: [newSecret, secret] } };
    expect(authenticateDelivery(request(signedHeaders()), body, rotating, clock)).toEqual({
      ok: true,
      mode: 'hmac',
      principal: 'hmac secret #2',
    });
    const signedWithNew = signStandardWebhook({
      secret: newSecret,
      id,
      timestamp: vectorTimestamp,
      body,
    });
    expect(
      authenticateDelivery(request({ ...signedWithNew }), body, rotating, clock),
    ).toMatchObject({
      ok: true,
      principal: 'hmac secret #1',
    });
    expect(authenticateDelivery(request({ ...signedWithNew }), body, options, clock)).toMatchObject(
      {
        ok: false,
        reason: 'signature_mismatch',
      },
    );
  });

  it('refuses repeated signature headers instead of choosing one', () => {
    const headers = signedHeaders();
    const req: DeliveryRequest = {
      headers: { ...headers, 'webhook-id': `${id}, msg_other` },
      headersDistinct: { 'webhook-id': [id, 'msg_other'] },
      socket: {},
    };
    expect(authenticateDelivery(req, body, options, clock)).toEqual({
      ok: false,
      reason: 'signature_malformed_headers',
      detail: 'hmac: webhook-id was sent 2 times',
    });
    const arrayValued = request({
      ...headers,
      'webhook-signature': [vectorSignature, vectorSignature],
    });
    expect(authenticateDelivery(arrayValued, body, options, clock)).toMatchObject({
      reason: 'signature_malformed_headers',
    });
  });

  it('refuses huge headers and oversized signature lists without hashing them all', () => {
    const huge = authenticateDelivery(
      request(
        signedHeaders({ 'webhook-signature': `${vectorSignature} ${'v1,AAAA '.repeat(5000)}` }),
      ),
      body,
      options,
      clock,
    );
    expect(huge).toMatchObject({ ok: false, reason: 'signature_malformed_headers' });
    const many = authenticateDelivery(
      request(signedHeaders({ 'webhook-signature': Array(40).fill(vectorSignature).join(' ') })),
      body,
      options,
      clock,
    );
    expect(many).toEqual({
      ok: false,
      reason: 'signature_malformed_headers',
      detail: 'hmac: webhook-signature has 40 entries, more than 32',
    });
  });

  it('answers no_credentials when none of the signature headers is present', () => {
    expect(authenticateDelivery(request({}), body, options, clock)).toMatchObject({
      ok: false,
      reason: 'no_credentials',
    });
  });
});
