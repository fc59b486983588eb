import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import {
  generateStandardWebhookSecret,
  signStandardWebhook,
  standardWebhookSignature,
} from '@mastercom/testkit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { refusal, type Refusal } from './support/envelope.js';
import { countAlerts } from './support/stored.js';
import {
  DEFAULT_HMAC_SECRET,
  deliver,
  sendAsIs,
  useTestApp,
  type App,
} from './support/test-app.js';

const t = useTestApp();
const now = () => Math.floor(Date.now() / 1000);
let seed = 400;

/** A fresh alert and its exact body bytes, so every case can check that nothing was stored. */
function nextDelivery(): { alertId: string; body: string } {
  seed += 1;
  const alert = createAlert(seed);
  return { alertId: alert.alertId, body: JSON.stringify(alert) };
}

function post(app: App, body: string | Buffer, headers: Record<string, string>): request.Test {
  return request(app)
    .post('/api/v6/webhooks/ethoca')
    .set('content-type', 'application/json')
    .set(headers)
    .serialize(sendAsIs)
    .send(body);
}

async function refused(res: request.Response, alertId: string): Promise<Refusal> {
  return refusal(res.status, res.body, await countAlerts(t, [alertId]));
}

/** A 401 in the Ethoca envelope that names `reason`, with nothing stored. */
function unauthenticated(reason: string): Refusal {
  return {
    status: 401,
    reasonCode: 'AUTHENTICATION_FAILURE',
    description: `authentication failed: ${reason}`,
    stored: 0,
  };
}

describe('Standard Webhooks HMAC through the webhook route', () => {
  it('accepts a delivery signed with the configured secret', async () => {
    const { alertId, body } = nextDelivery();
    const headers = signStandardWebhook({
      secret: DEFAULT_HMAC_SECRET,
      id: 'msg_ok',
      timestamp: now(),
      body,
    });
    const res = await post(t.app, body, { ...headers });
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
      { alertId, status: 'SUCCESS' },
    ]);
    expect(await countAlerts(t, [alertId])).toBe(1);
  });

  it('accepts timestamps just inside the 300 s tolerance in both directions', async () => {
    for (const offset of [-290, 290]) {
      const { alertId, body } = nextDelivery();
      const headers = signStandardWebhook({
        secret: DEFAULT_HMAC_SECRET,
        id: `msg_${offset}`,
        timestamp: now() + offset,
        body,
      });
      expect((await post(t.app, body, { ...headers })).status).toBe(200);
      expect(await countAlerts(t, [alertId])).toBe(1);
    }
  });

  it('refuses a delivery without any signature header', async () => {
    const { alertId, body } = nextDelivery();
    expect(await refused(await post(t.app, body, {}), alertId)).toEqual(
      unauthenticated('no_credentials'),
    );
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)(
    'refuses a delivery missing %s',
    async (header) => {
      const { alertId, body } = nextDelivery();
      const headers: Record<string, string> = {
        ...signStandardWebhook({
          secret: DEFAULT_HMAC_SECRET,
          id: 'msg_missing',
          timestamp: now(),
          body,
        }),
      };
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the case removes one named header
      delete headers[header];
      expect(await refused(await post(t.app, body, headers), alertId)).toEqual(
        unauthenticated('signature_missing_headers'),
      );
    },
  );

  it('refuses a signature made with another secret', async () => {
    const { alertId, body } = nextDelivery();
    const headers = signStandardWebhook({
      secret: generateStandardWebhookSecret(),
      id: 'msg_bad',
      timestamp: now(),
      body,
    });
    expect(await refused(await post(t.app, body, { ...headers }), alertId)).toEqual(
      unauthenticated('signature_mismatch'),
    );
  });

  // Time passing between signing and checking only makes a timestamp older, so one second past
  // the tolerance is a safe "too old"; "too far in the future" needs a margin for that time (a
  // loaded machine took over a second, and crossing a second boundary alone costs one).
  it.each([
    ['too old', -301],
    ['too far in the future', 330],
  ])('refuses a timestamp %s', async (_name, offset) => {
    const { alertId, body } = nextDelivery();
    const headers = signStandardWebhook({
      secret: DEFAULT_HMAC_SECRET,
      id: 'msg_time',
      timestamp: now() + offset,
      body,
    });
    expect(await refused(await post(t.app, body, { ...headers }), alertId)).toEqual(
      unauthenticated('timestamp_out_of_tolerance'),
    );
  });

  it('refuses a timestamp that is not Unix seconds', async () => {
    const { alertId, body } = nextDelivery();
    const signed = signStandardWebhook({
      secret: DEFAULT_HMAC_SECRET,
      id: 'msg_iso',
      timestamp: now(),
      body,
    });
    const headers = { ...signed, 'webhook-timestamp': new Date().toISOString() };
    expect(await refused(await post(t.app, body, headers), alertId)).toEqual(
      unauthenticated('signature_malformed_headers'),
    );
  });

  it.each(['v2', 'v1a', 'V1', ''])(
    'refuses a correct digest under the version prefix "%s"',
    async (prefix) => {
      const { alertId, body } = nextDelivery();
      const id = 'msg_version';
      const timestamp = now();
      const digest = standardWebhookSignature(DEFAULT_HMAC_SECRET, id, timestamp, body).slice(
        'v1,'.length,
      );
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': prefix === '' ? digest : `${prefix},${digest}`,
      };
      expect(await refused(await post(t.app, body, headers), alertId)).toEqual(
        unauthenticated('signature_mismatch'),
      );
    },
  );

  it('refuses a body changed by one byte after signing', async () => {
    const { alertId, body } = nextDelivery();
    const headers = signStandardWebhook({
      secret: DEFAULT_HMAC_SECRET,
      id: 'msg_tamper',
      timestamp: now(),
      body,
    });
    // The merchant descriptor changes by one character; the JSON stays valid and the alert too.
    const tampered = Buffer.from(body);
    const at = tampered.indexOf('"merchantDescriptor":"') + '"merchantDescriptor":"'.length;
    tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
    expect(await refused(await post(t.app, tampered, { ...headers }), alertId)).toEqual(
      unauthenticated('signature_mismatch'),
    );
  });

  it('refuses a signature replayed under another message id', async () => {
    const { alertId, body } = nextDelivery();
    const headers = {
      ...signStandardWebhook({ secret: DEFAULT_HMAC_SECRET, id: 'msg_a', timestamp: now(), body }),
      'webhook-id': 'msg_b',
    };
    expect(await refused(await post(t.app, body, headers), alertId)).toEqual(
      unauthenticated('signature_mismatch'),
    );
  });

  it('counts refused deliveries in the rejected statistic and logs the reason without the signature', async () => {
    const before = t.stats.rejected;
    const { alertId, body } = nextDelivery();
    const headers = signStandardWebhook({
      secret: generateStandardWebhookSecret(),
      id: 'msg_log',
      timestamp: now(),
      body,
    });
    expect(await refused(await post(t.app, body, { ...headers }), alertId)).toEqual(
      unauthenticated('signature_mismatch'),
    );
    expect(t.stats.rejected).toBe(before + 1);
    const logged = t.logLines.filter((line) => line.includes('delivery refused by authentication'));
    expect(logged.at(-1)).toContain('"reason":"signature_mismatch"');
    expect(t.logLines.join('\n')).not.toContain(headers['webhook-signature'].slice(3));
  });
});

describe('secret rotation', () => {
  const oldSecret = generateStandardWebhookSecret();
  const newSecret = generateStandardWebhookSecret();

  it('accepts either secret while both are configured', async () => {
    const app = t.build({ webhook: { auth: { hmac: { secrets: [oldSecret, newSecret] } } } });
    for (const secret of [oldSecret, newSecret, [oldSecret, newSecret]]) {
      const { alertId, body } = nextDelivery();
      const res = await deliver(app, body, { secret });
      expect(res.status).toBe(200);
      expect(await countAlerts(t, [alertId])).toBe(1);
    }
  });

  it('refuses the old secret once it is removed and keeps accepting the new one', async () => {
    const app = t.build({ webhook: { auth: { hmac: { secrets: [newSecret] } } } });
    const stale = nextDelivery();
    expect(
      await refused(await deliver(app, stale.body, { secret: oldSecret }), stale.alertId),
    ).toEqual(unauthenticated('signature_mismatch'));
    const fresh = nextDelivery();
    expect((await deliver(app, fresh.body, { secret: newSecret })).status).toBe(200);
    expect(await countAlerts(t, [fresh.alertId])).toBe(1);
  });
});
