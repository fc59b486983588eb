import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeStandardWebhookSecret,
  generateStandardWebhookSecret,
  signStandardWebhook,
  standardWebhookHeaders,
} from './standard-webhook-signer.js';

// The signing vector published with the Standard Webhooks reference libraries. The payload keeps
// its space after the colon: it is the exact byte string that was signed, not a JSON value.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signStandardWebhook', () => {
  it('reproduces the published Standard Webhooks signing vector', () => {
    expect(signStandardWebhook(vector)).toEqual({
      'webhook-id': vector.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': vector.signature,
    });
  });

  it('treats a secret with and without the whsec_ prefix as the same key', () => {
    const unprefixed = { ...vector, secret: vector.secret.slice('whsec_'.length) };
    expect(signStandardWebhook(unprefixed)['webhook-signature']).toBe(vector.signature);
  });

  it('signs a byte body exactly like the equivalent string body', () => {
    const bytes = { ...vector, body: Buffer.from(vector.body, 'utf8') };
    expect(signStandardWebhook(bytes)['webhook-signature']).toBe(vector.signature);
  });

  it('signs a re-serialised body differently, because the signature covers bytes', () => {
    const reserialised = { ...vector, body: JSON.stringify(JSON.parse(vector.body)) };
    expect(signStandardWebhook(reserialised)['webhook-signature']).not.toBe(vector.signature);
  });

  it('emits one v1 signature per secret, space separated, during a rotation', () => {
    const other = generateStandardWebhookSecret();
    const header = signStandardWebhook({ ...vector, secret: [other, vector.secret] })[
      'webhook-signature'
    ];
    const parts = header.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe(vector.signature);
    expect(parts[0]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('rejects a secret that is not base64 instead of signing with a garbled key', () => {
    expect(() => signStandardWebhook({ ...vector, secret: 'whsec_not base64!' })).toThrow(
      /must be base64/,
    );
    expect(() => signStandardWebhook({ ...vector, secret: 'whsec_' })).toThrow(/must be base64/);
  });

  it('rejects fractional or negative timestamps and an empty secret list', () => {
    expect(() => signStandardWebhook({ ...vector, timestamp: 1.5 })).toThrow(/Unix seconds/);
    expect(() => signStandardWebhook({ ...vector, timestamp: -1 })).toThrow(/Unix seconds/);
    expect(() => signStandardWebhook({ ...vector, secret: [] })).toThrow(/at least one secret/);
  });
});

describe('standardWebhookHeaders', () => {
  it('uses the injected clock in whole seconds and a fresh msg_ id per call', () => {
    const now = (): number => 1_700_000_000_999;
    const first = standardWebhookHeaders({ secret: vector.secret, body: 'x', now });
    const second = standardWebhookHeaders({ secret: vector.secret, body: 'x', now });
    expect(first['webhook-timestamp']).toBe('1700000000');
    expect(first['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(second['webhook-id']).not.toBe(first['webhook-id']);
  });

  it('produces a signature an independent HMAC computation agrees with', () => {
    const secret = generateStandardWebhookSecret();
    const body = '{"alerts":[]}';
    const headers = standardWebhookHeaders({ secret, body, id: 'msg_fixed' });
    const expected = createHmac('sha256', decodeStandardWebhookSecret(secret))
      .update(`msg_fixed.${headers['webhook-timestamp']}.${body}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});

describe('generateStandardWebhookSecret', () => {
  it('returns a whsec_ secret holding 32 random bytes', () => {
    const secret = generateStandardWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(decodeStandardWebhookSecret(secret)).toHaveLength(32);
    expect(generateStandardWebhookSecret()).not.toBe(secret);
  });
});
