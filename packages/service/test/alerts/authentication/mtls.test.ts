import { createTestPki, type TestPki } from '@mastercom/testkit';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../../src/alerts/authentication/auth-result.js';
import { authenticateDelivery } from '../../../src/alerts/authentication/authenticate-delivery.js';
import type { DeliveryAuthOptions } from '../../../src/alerts/authentication/delivery-auth-options.js';
import { httpsServerOptions } from '../../../src/alerts/authentication/https-server-options.js';

const clientDn = 'CN=ethoca-alerts-client,OU=Alerts,O=Ethoca Test,C=CA';

/** The client's certificate and key, or nothing for a client that presents no certificate. */
type ClientCredentials = { readonly certPem: string; readonly keyPem: string } | null;

/**
 * A real HTTPS server on loopback, configured exactly as production would be, that answers every
 * request with the authentication result as JSON so the tests see what the route would see.
 */
async function startServer(pki: TestPki, options: DeliveryAuthOptions): Promise<Server> {
  const server = createServer(
    httpsServerOptions({
      certPem: pki.server.certPem,
      keyPem: pki.server.keyPem,
      caBundlePem: pki.ca.certPem,
    }),
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const result = authenticateDelivery(req, Buffer.concat(chunks), options);
        res.writeHead(result.ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function deliver(
  server: Server,
  pki: TestPki,
  client: ClientCredentials,
): Promise<{ status: number; result: AuthResult }> {
  const { port } = server.address() as AddressInfo;
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v6/webhooks/ethoca',
    servername: 'localhost',
    ca: pki.ca.certPem,
    ...(client === null ? {} : { cert: client.certPem, key: client.keyPem }),
    // A fresh connection per request, so one test's certificate never serves another's request.
    agent: false,
  });
  req.end('{"alerts":[]}');
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of res) {
    chunks.push(chunk as Buffer);
  }
  return {
    status: res.statusCode ?? 0,
    result: JSON.parse(Buffer.concat(chunks).toString()) as AuthResult,
  };
}

describe('mTLS authentication through a real HTTPS server', () => {
  let pki: TestPki;
  let open: Server;
  let allowList: Server;

  beforeAll(async () => {
    pki = await createTestPki({ clientSubjectDn: clientDn });
    open = await startServer(pki, { mtls: {} });
    allowList = await startServer(pki, {
      mtls: { allowedSubjectDns: ['CN=someone-else,O=Ethoca Test,C=CA', clientDn] },
    });
  });

  afterAll(() => {
    open.close();
    allowList.close();
  });

  it('accepts a valid client certificate and names its subject in RFC 4514 order', async () => {
    const { status, result } = await deliver(open, pki, pki.client);
    expect(status).toBe(200);
    expect(result).toEqual({ ok: true, mode: 'mtls', principal: clientDn });
  });

  it('accepts a valid client certificate whose subject is on the allow-list', async () => {
    const { result } = await deliver(allowList, pki, pki.client);
    expect(result).toEqual({ ok: true, mode: 'mtls', principal: clientDn });
  });

  it('answers 401 no_credentials to a client that sends no certificate', async () => {
    const { status, result } = await deliver(open, pki, null);
    expect(status).toBe(401);
    expect(result).toMatchObject({ ok: false, reason: 'no_credentials' });
  });

  it('refuses a certificate issued by a CA the server does not trust', async () => {
    const { status, result } = await deliver(open, pki, pki.foreignClient);
    expect(status).toBe(401);
    expect(result).toEqual({
      ok: false,
      reason: 'certificate_not_verified',
      detail: 'mtls: client certificate did not verify: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('refuses an expired certificate from the trusted CA', async () => {
    const { status, result } = await deliver(open, pki, pki.expiredClient);
    expect(status).toBe(401);
    expect(result).toEqual({
      ok: false,
      reason: 'certificate_not_verified',
      detail: 'mtls: client certificate did not verify: CERT_HAS_EXPIRED',
    });
  });

  it('refuses a valid certificate whose subject is not on the allow-list', async () => {
    const other = await createTestPki({ clientSubjectDn: 'CN=intruder,O=Ethoca Test,C=CA' });
    const server = await startServer(other, { mtls: { allowedSubjectDns: [clientDn] } });
    try {
      const { status, result } = await deliver(server, other, other.client);
      expect(status).toBe(401);
      expect(result).toEqual({
        ok: false,
        reason: 'subject_not_allowed',
        detail:
          'mtls: client certificate subject "CN=intruder,O=Ethoca Test,C=CA" is not on the allow-list',
      });
    } finally {
      server.close();
    }
  });
});
