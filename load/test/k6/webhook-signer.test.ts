import {
  generateStandardWebhookSecret,
  signStandardWebhook,
  standardWebhookSignature,
} from '@mastercom/testkit';
import { createAlert } from '@mastercom/contracts/fixtures';
import { describe, expect, it, vi } from 'vitest';
import { decodeWebhookSecret, signWebhook } from '../../src/k6/webhook-signer.js';

vi.mock('k6/crypto', async () => (await import('./k6-runtime.js')).cryptoModule);
vi.mock('k6/encoding', async () => (await import('./k6-runtime.js')).encodingModule);

const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
};

describe('the k6 Standard Webhooks signer', () => {
  it('produces the published signing vector, exactly as the testkit signer does', () => {
    const k6 = signWebhook(
      decodeWebhookSecret(vector.secret),
      vector.id,
      vector.timestamp,
      vector.body,
    );
    expect(k6).toEqual(signStandardWebhook(vector));
    expect(k6['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('agrees with the testkit signer for fresh secrets and real alert bodies', () => {
    for (let seed = 1; seed <= 25; seed += 1) {
      const secret = generateStandardWebhookSecret();
      const body = JSON.stringify(createAlert(seed));
      const id = `msg_${seed}`;
      const timestamp = 1_760_000_000 + seed;
      expect(
        signWebhook(decodeWebhookSecret(secret), id, timestamp, body)['webhook-signature'],
      ).toBe(standardWebhookSignature(secret, id, timestamp, body));
    }
  });

  it('signs a body with non-ASCII characters as its UTF-8 bytes, as the service verifies', () => {
    const body = '{"merchantDescriptor":"CAFÉ*MÜNCHEN 800-555-0100"}';
    expect(
      signWebhook(decodeWebhookSecret(vector.secret), 'msg_x', 1, body)['webhook-signature'],
    ).toBe(standardWebhookSignature(vector.secret, 'msg_x', 1, body));
  });

  it('accepts the secret with or without the whsec_ prefix', () => {
    const bare = vector.secret.slice('whsec_'.length);
    expect(new Uint8Array(decodeWebhookSecret(bare))).toEqual(
      new Uint8Array(decodeWebhookSecret(vector.secret)),
    );
  });

  it('refuses a secret that is not base64 instead of signing with a garbled key', () => {
    expect(() => decodeWebhookSecret('whsec_not base64!')).toThrow(/must be base64/);
    expect(() => decodeWebhookSecret('whsec_')).toThrow(/must be base64/);
  });
});
