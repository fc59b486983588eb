import { alertAcknowledgementSchema, ethocaErrorEnvelopeSchema } from '@mastercom/contracts';
import { createAlert, createAlertDelivery } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './support/raw-http.js';
import { countAlerts } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

const BODY_LIMIT = 8 * 1024;
const MAX_ALERTS = 3;
const t = useTestApp({ webhook: { bodyLimitBytes: BODY_LIMIT, maxAlertsPerDelivery: MAX_ALERTS } });

/** The reason code of a valid Ethoca envelope, or null when the body is not one. */
function reasonOf(body: unknown): string | null {
  const envelope = ethocaErrorEnvelopeSchema.safeParse(body);
  return envelope.success ? (envelope.data.Errors.Error[0]?.ReasonCode ?? null) : null;
}

describe('methods other than POST', () => {
  it.each(['get', 'put', 'delete', 'patch'] as const)(
    'answers %s with 405, Allow: POST and the envelope',
    async (method) => {
      const res = await request(t.app)[method]('/api/v6/webhooks/ethoca');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(reasonOf(res.body)).toBe('METHOD_NOT_ALLOWED');
    },
  );
});

describe('bodies over the size limit', () => {
  /** A valid alert padded with an unknown field until its JSON is well over the limit. */
  function oversized(seed: number): { alertId: string; body: Buffer } {
    const alert = createAlert(seed, { padding: 'x'.repeat(BODY_LIMIT * 2) });
    return { alertId: alert.alertId, body: Buffer.from(JSON.stringify(alert)) };
  }

  it('refuses a declared Content-Length over the limit with 413 and stores nothing', async () => {
    const { alertId, body } = oversized(701);
    const reply = await rawRequest(t.app, {
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      chunks: [body],
    });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reasonOf(reply.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(await countAlerts(t, [alertId])).toBe(0);
    expect(t.logLines.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });

  it('stops a chunked body without Content-Length as soon as it passes the limit', async () => {
    const { alertId, body } = oversized(702);
    const chunks = Array.from({ length: Math.ceil(body.length / 1024) }, (_, i) =>
      body.subarray(i * 1024, (i + 1) * 1024),
    );
    const reply = await rawRequest(t.app, {
      headers: { 'content-type': 'application/json' },
      chunks,
    });
    expect(reply.status).toBe(413);
    expect(reasonOf(reply.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(await countAlerts(t, [alertId])).toBe(0);
  });

  it('accepts a chunked body under the limit', async () => {
    const alert = createAlert(703);
    const text = JSON.stringify(alert);
    const res = await deliver(t.app, text);
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses[0]?.status).toBe('SUCCESS');
  });
});

describe('media types', () => {
  it.each([
    'text/plain',
    'application/json; charset=latin1',
    'application/json; charset=iso-8859-1',
    'application/xml',
  ])('refuses %s with 415 and stores nothing', async (contentType) => {
    const alert = createAlert(710 + contentType.length);
    const res = await deliver(t.app, alert, { contentType });
    expect(res.status).toBe(415);
    expect(reasonOf(res.body)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await countAlerts(t, [alert.alertId])).toBe(0);
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json; charset="UTF-8"',
    'application/json;charset=utf8',
  ])('accepts %s', async (contentType) => {
    const alert = createAlert(720 + contentType.length);
    const res = await deliver(t.app, alert, { contentType });
    expect(res.status).toBe(200);
    expect(await countAlerts(t, [alert.alertId])).toBe(1);
  });
});

describe('bodies that are not a delivery', () => {
  const tooMany = createAlertDelivery(730, MAX_ALERTS + 1);
  const cases: [string, string | Buffer][] = [
    ['not JSON', '{"alerts": [ {'],
    [
      'invalid UTF-8 bytes',
      Buffer.concat([
        Buffer.from('{"alerts":[{"alertId":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}]}'),
      ]),
    ],
    ['an empty body', ''],
    ['an array', JSON.stringify([createAlert(731)])],
    ['an empty alerts array', JSON.stringify({ alerts: [] })],
    ['alerts as a string', JSON.stringify({ alerts: 'x' })],
    ['JSON null', 'null'],
    [`more than ${MAX_ALERTS} alerts`, JSON.stringify(tooMany)],
  ];

  it.each(cases)('answers %s with 400 and the envelope', async (_name, body) => {
    const res = await deliver(t.app, body);
    expect(res.status).toBe(400);
    expect(reasonOf(res.body)).toBe('VALIDATION_FAILURE');
  });

  it('stored none of the alerts of an oversized batch', async () => {
    await deliver(t.app, tooMany).expect(400);
    expect(
      await countAlerts(
        t,
        tooMany.alerts.map((alert) => alert.alertId),
      ),
    ).toBe(0);
  });

  it('checks the media type before authentication and authentication before the body', async () => {
    const unsigned = await request(t.app)
      .post('/api/v6/webhooks/ethoca')
      .set('content-type', 'text/plain')
      .send('x');
    expect(unsigned.status).toBe(415);
    const unsignedJunk = await request(t.app)
      .post('/api/v6/webhooks/ethoca')
      .set('content-type', 'application/json')
      .send('{');
    expect(unsignedJunk.status).toBe(401);
    expect(reasonOf(unsignedJunk.body)).toBe('AUTHENTICATION_FAILURE');
  });
});
