import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPki,
  DEFAULT_CLIENT_SUBJECT_DN,
  toEncodingOrder,
  type TestPki,
} from './test-pki.js';

// Node prints a subject one RDN per line in encoding order; RFC 4514 reverses that order.
function rfc4514(cert: X509Certificate): string {
  return cert.subject.split('\n').reverse().join(',');
}

describe('createTestPki', () => {
  const subject = 'CN=ethoca-push-client,OU=Alerts,O=Ethoca Test\\, Ltd,C=CA';
  let pki: TestPki;

  beforeAll(async () => {
    pki = await createTestPki({ clientSubjectDn: subject });
  });

  it('issues the client certificate for the requested subject, in conventional RDN order', () => {
    const client = new X509Certificate(pki.client.certPem);
    expect(pki.client.subjectDn).toBe(subject);
    expect(rfc4514(client)).toBe(subject);
    expect(client.subject.split('\n')[0]).toBe('C=CA');
  });

  it('signs the valid, expired and server certificates with the CA and the foreign one without', () => {
    const caKey = new X509Certificate(pki.ca.certPem).publicKey;
    expect(new X509Certificate(pki.client.certPem).verify(caKey)).toBe(true);
    expect(new X509Certificate(pki.expiredClient.certPem).verify(caKey)).toBe(true);
    expect(new X509Certificate(pki.server.certPem).verify(caKey)).toBe(true);
    expect(new X509Certificate(pki.foreignClient.certPem).verify(caKey)).toBe(false);
    const foreignKey = new X509Certificate(pki.foreignCa.certPem).publicKey;
    expect(new X509Certificate(pki.foreignClient.certPem).verify(foreignKey)).toBe(true);
  });

  it('marks only the CA certificates as authorities', () => {
    expect(new X509Certificate(pki.ca.certPem).ca).toBe(true);
    expect(new X509Certificate(pki.foreignCa.certPem).ca).toBe(true);
    expect(new X509Certificate(pki.client.certPem).ca).toBe(false);
    expect(new X509Certificate(pki.server.certPem).ca).toBe(false);
  });

  it('gives the expired client a validity that ended before now and the valid one after', () => {
    const now = Date.now();
    expect(new X509Certificate(pki.expiredClient.certPem).validToDate.getTime()).toBeLessThan(now);
    expect(new X509Certificate(pki.client.certPem).validToDate.getTime()).toBeGreaterThan(now);
    expect(new X509Certificate(pki.client.certPem).validFromDate.getTime()).toBeLessThan(now);
  });

  it('names localhost and both loopback addresses on the server certificate', () => {
    const server = new X509Certificate(pki.server.certPem);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('example.com')).toBeUndefined();
  });

  it('pairs every certificate with its own private key', () => {
    for (const pair of [pki.ca, pki.foreignCa, pki.server, pki.client, pki.expiredClient]) {
      const cert = new X509Certificate(pair.certPem);
      expect(cert.checkPrivateKey(createPrivateKey(pair.keyPem))).toBe(true);
    }
  });

  it('builds a fresh PKI per call and defaults the client subject', async () => {
    const other = await createTestPki();
    expect(other.ca.certPem).not.toBe(pki.ca.certPem);
    expect(other.client.subjectDn).toBe(DEFAULT_CLIENT_SUBJECT_DN);
    expect(rfc4514(new X509Certificate(other.client.certPem))).toBe(DEFAULT_CLIENT_SUBJECT_DN);
  });

  it('completes a real mutual TLS handshake on loopback with the valid client', async () => {
    const server = createServer({
      cert: pki.server.certPem,
      key: pki.server.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('secureConnection', (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: pki.ca.certPem,
        cert: pki.client.certPem,
        key: pki.client.keyPem,
      });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString()).toBe('hello');
      socket.destroy();
    } finally {
      server.close();
    }
  });
});

describe('toEncodingOrder', () => {
  it('reverses RDNs and keeps escaped commas inside their value', () => {
    expect(toEncodingOrder('CN=a\\,b, O=x,C=CA')).toBe('C=CA,O=x,CN=a\\,b');
    expect(toEncodingOrder('CN=only')).toBe('CN=only');
  });
});
