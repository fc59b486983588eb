import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import { createHttpServer, httpsServerOptions } from '@mastercom/service';
import { createTestPki, type TestPki } from '@mastercom/testkit';
import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal, type Refusal } from './support/envelope.js';
import { countAlerts } from './support/stored.js';
import { useTestApp, type App } from './support/test-app.js';

const CLIENT_DN = 'CN=ethoca-alerts-client,OU=Alerts,O=Ethoca Test,C=CA';
const t = useTestApp({ webhook: { auth: { mtls: { allowedSubjectDns: [CLIENT_DN] } } } });

let pki: TestPki;
let allowed: Server;
let otherAllowList: Server;
let seed = 600;

/** The service's own HTTPS listener, as main.ts builds it, on an ephemeral loopback port. */
async function listen(app: App): Promise<Server> {
  const server = createHttpServer(app, {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 20_000,
    tls: httpsServerOptions({
      certPem: pki.server.certPem,
      keyPem: pki.server.keyPem,
      caBundlePem: pki.ca.certPem,
    }),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

async function send(
  server: Server,
  options: {
    method?: string;
    path?: string;
    client?: { certPem: string; keyPem: string } | null;
    body?: string;
  },
): Promise<Reply> {
  const { port } = server.address() as AddressInfo;
  const req = request({
    host: '127.0.0.1',
    port,
    method: options.method ?? 'POST',
    path: options.path ?? '/api/v6/webhooks/ethoca',
    servername: 'localhost',
    ca: pki.ca.certPem,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
    // A fresh TLS session per request, so one case's certificate never serves another's request.
    agent: false,
  });
  req.end(options.body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown = undefined;
  if ((res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.statusCode ?? 0, body, text };
}

function nextAlert(): { alertId: string; body: string } {
  seed += 1;
  const alert = createAlert(seed);
  return { alertId: alert.alertId, body: JSON.stringify(alert) };
}

beforeAll(async () => {
  pki = await createTestPki({ clientSubjectDn: CLIENT_DN });
  allowed = await listen(t.app);
  otherAllowList = await listen(
    t.build({
      webhook: { auth: { mtls: { allowedSubjectDns: ['CN=someone-else,O=Ethoca Test,C=CA'] } } },
    }),
  );
});

afterAll(async () => {
  for (const server of [allowed, otherAllowList]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function refused(reply: Reply, alertId: string): Promise<Refusal> {
  return refusal(reply.status, reply.body, await countAlerts(t, [alertId]));
}

function unauthenticated(reason: string): Refusal {
  return {
    status: 401,
    reasonCode: 'AUTHENTICATION_FAILURE',
    description: `authentication failed: ${reason}`,
    stored: 0,
  };
}

describe('mTLS terminated by the service', () => {
  it('accepts a delivery over a connection with a valid client certificate', async () => {
    const { alertId, body } = nextAlert();
    const reply = await send(allowed, { client: pki.client, body });
    expect(reply.status).toBe(200);
    expect(alertAcknowledgementSchema.parse(reply.body).alertResponses).toEqual([
      { alertId, status: 'SUCCESS' },
    ]);
    expect(await countAlerts(t, [alertId])).toBe(1);
  });

  it('refuses a delivery without a client certificate', async () => {
    const { alertId, body } = nextAlert();
    const reply = await send(allowed, { client: null, body });
    expect(await refused(reply, alertId)).toEqual(unauthenticated('no_credentials'));
  });

  it('refuses a certificate issued by a CA the service does not trust', async () => {
    const { alertId, body } = nextAlert();
    const reply = await send(allowed, { client: pki.foreignClient, body });
    expect(await refused(reply, alertId)).toEqual(unauthenticated('certificate_not_verified'));
  });

  it('refuses an expired certificate from the trusted CA', async () => {
    const { alertId, body } = nextAlert();
    const reply = await send(allowed, { client: pki.expiredClient, body });
    expect(await refused(reply, alertId)).toEqual(unauthenticated('certificate_not_verified'));
  });

  it('refuses a valid certificate whose subject is not on the allow-list', async () => {
    const { alertId, body } = nextAlert();
    const reply = await send(otherAllowList, { client: pki.client, body });
    expect(await refused(reply, alertId)).toEqual(unauthenticated('subject_not_allowed'));
  });

  it('answers liveness on the same listener without a client certificate', async () => {
    const reply = await send(allowed, { method: 'GET', path: '/__ops/ping', client: null });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('pong');
  });
});
