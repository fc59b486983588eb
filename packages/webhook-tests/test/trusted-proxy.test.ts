import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { refusal, type Refusal } from './support/envelope.js';
import { countAlerts } from './support/stored.js';
import { useTestApp, type App } from './support/test-app.js';

const ETHOCA_DN = 'CN=ethoca-alerts-client,O=Ethoca Test,C=CA';

// supertest connects over loopback, so `loopback` makes the test client the trusted ingress.
const t = useTestApp({
  webhook: { auth: { trustedProxy: { proxies: ['loopback'], allowedSubjectDns: [ETHOCA_DN] } } },
});
let seed = 500;

async function forward(
  app: App,
  headers: Record<string, string>,
): Promise<{ res: request.Response; alertId: string }> {
  seed += 1;
  const alert = createAlert(seed);
  const res = await request(app).post('/api/v6/webhooks/ethoca').set(headers).send(alert);
  return { res, alertId: alert.alertId };
}

function lastRefusalReason(): string | undefined {
  const line = t.logLines
    .filter((entry) => entry.includes('delivery refused by authentication'))
    .at(-1);
  return line === undefined ? undefined : (JSON.parse(line) as { reason?: string }).reason;
}

/** The refusal as the sender saw it, plus the reason the service logged for the operator. */
async function refused(
  res: request.Response,
  alertId: string,
): Promise<Refusal & { logged: string | undefined }> {
  return {
    ...refusal(res.status, res.body, await countAlerts(t, [alertId])),
    logged: lastRefusalReason(),
  };
}

function unauthenticated(reason: string): Refusal & { logged: string } {
  return {
    status: 401,
    reasonCode: 'AUTHENTICATION_FAILURE',
    description: `authentication failed: ${reason}`,
    stored: 0,
    logged: reason,
  };
}

describe('trusted proxy through the webhook route', () => {
  it('accepts the verdict of a configured proxy address', async () => {
    const { res, alertId } = await forward(t.app, {
      'x-client-verify': 'SUCCESS',
      'x-client-subject-dn': ETHOCA_DN,
    });
    expect(res.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(res.body).alertResponses).toEqual([
      { alertId, status: 'SUCCESS' },
    ]);
    expect(await countAlerts(t, [alertId])).toBe(1);
  });

  it('accepts the subject DN written with different spacing and attribute case', async () => {
    const { res } = await forward(t.app, {
      'x-client-verify': 'SUCCESS',
      'x-client-subject-dn': 'cn=ethoca-alerts-client, o=Ethoca Test, c=CA',
    });
    expect(res.status).toBe(200);
  });

  it('refuses the same headers when the TCP peer is not a configured proxy', async () => {
    const elsewhere = t.build({
      webhook: {
        auth: { trustedProxy: { proxies: ['10.0.0.0/8'], allowedSubjectDns: [ETHOCA_DN] } },
      },
    });
    const { res, alertId } = await forward(elsewhere, {
      'x-client-verify': 'SUCCESS',
      'x-client-subject-dn': ETHOCA_DN,
      // The client controls X-Forwarded-For; it must not make it a proxy.
      'x-forwarded-for': '10.1.2.3',
    });
    expect(await refused(res, alertId)).toEqual(unauthenticated('untrusted_proxy'));
  });

  it.each(['FAILED:certificate has expired', 'NONE', 'success'])(
    'refuses when the proxy reports verification %s',
    async (verdict) => {
      const { res, alertId } = await forward(t.app, {
        'x-client-verify': verdict,
        'x-client-subject-dn': ETHOCA_DN,
      });
      expect(await refused(res, alertId)).toEqual(unauthenticated('proxy_verification_failed'));
    },
  );

  it('refuses a request from the proxy that carries no verdict at all', async () => {
    const { res, alertId } = await forward(t.app, {});
    expect(await refused(res, alertId)).toEqual(unauthenticated('proxy_verification_failed'));
  });

  it('refuses a verified subject DN that is not on the allow-list', async () => {
    const { res, alertId } = await forward(t.app, {
      'x-client-verify': 'SUCCESS',
      'x-client-subject-dn': 'CN=intruder,O=Ethoca Test,C=CA',
    });
    expect(await refused(res, alertId)).toEqual(unauthenticated('subject_not_allowed'));
  });

  it('refuses a verified request without the subject DN while an allow-list is configured', async () => {
    const { res, alertId } = await forward(t.app, { 'x-client-verify': 'SUCCESS' });
    expect(await refused(res, alertId)).toEqual(unauthenticated('subject_not_allowed'));
  });
});
