import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { authenticateDelivery, type AuthResult } from './index.js';
import type { DeliveryAuthOptions } from './delivery-auth-options.js';
import type { DeliveryRequest } from './request-headers.js';

const body = Buffer.from('{}');
const dn = 'CN=ethoca-alerts-client,O=Ethoca Test,C=CA';

const options: DeliveryAuthOptions = {
  trustedProxy: { proxies: ['10.20.0.0/16', '192.0.2.7', 'fd00:1234::/32'] },
};

function fromPeer(
  remoteAddress: string | undefined,
  headers: Record<string, string>,
): DeliveryRequest {
  return { headers, socket: { remoteAddress } };
}

const verified = { 'x-client-verify': 'SUCCESS', 'x-client-subject-dn': dn };

describe('trusted-proxy authentication', () => {
  it('accepts the forwarded verdict from an address inside a trusted IPv4 range', () => {
    expect(authenticateDelivery(fromPeer('10.20.3.4', verified), body, options)).toEqual({
      ok: true,
      mode: 'trusted-proxy',
      principal: dn,
    });
  });

  it('accepts a single trusted IPv4 address and a trusted IPv6 range', () => {
    expect(authenticateDelivery(fromPeer('192.0.2.7', verified), body, options).ok).toBe(true);
    expect(authenticateDelivery(fromPeer('fd00:1234:0:1::5', verified), body, options).ok).toBe(
      true,
    );
  });

  it('treats an IPv4-mapped IPv6 peer like the IPv4 address it carries', () => {
    expect(authenticateDelivery(fromPeer('::ffff:10.20.9.9', verified), body, options).ok).toBe(
      true,
    );
    expect(
      authenticateDelivery(fromPeer('::ffff:10.21.9.9', verified), body, options),
    ).toMatchObject({
      ok: false,
      reason: 'untrusted_proxy',
    });
  });

  it('refuses the same headers from an untrusted IPv4 or IPv6 peer', () => {
    for (const peer of ['10.21.0.1', '203.0.113.5', 'fd00:1235::1', '::1', undefined]) {
      const result = authenticateDelivery(fromPeer(peer, verified), body, options);
      expect(result).toMatchObject({ ok: false, reason: 'untrusted_proxy' });
    }
  });

  it('believes the TCP peer, not X-Forwarded-For', () => {
    const spoofed = { ...verified, 'x-forwarded-for': '10.20.3.4' };
    expect(authenticateDelivery(fromPeer('203.0.113.5', spoofed), body, options)).toMatchObject({
      ok: false,
      reason: 'untrusted_proxy',
    });
  });

  it('refuses when a trusted proxy reports a failed or absent verification', () => {
    const failed = authenticateDelivery(
      fromPeer('10.20.3.4', {
        'x-client-verify': 'FAILED:certificate has expired',
        'x-client-subject-dn': dn,
      }),
      body,
      options,
    );
    expect(failed).toEqual({
      ok: false,
      reason: 'proxy_verification_failed',
      detail:
        'trusted-proxy: trusted proxy 10.20.3.4 reported x-client-verify="FAILED:certificate has expired"',
    });
    const attempts: Record<string, string>[] = [
      { 'x-client-verify': 'NONE' },
      { 'x-client-verify': 'success' },
      {},
    ];
    for (const headers of attempts) {
      const result = authenticateDelivery(fromPeer('10.20.3.4', headers), body, options);
      expect(result).toMatchObject({ ok: false, reason: 'proxy_verification_failed' });
    }
  });

  it('refuses a repeated verification header', () => {
    const req: DeliveryRequest = {
      headers: { 'x-client-verify': 'SUCCESS, SUCCESS', 'x-client-subject-dn': dn },
      headersDistinct: { 'x-client-verify': ['SUCCESS', 'SUCCESS'] },
      socket: { remoteAddress: '10.20.3.4' },
    };
    expect(authenticateDelivery(req, body, options)).toMatchObject({
      ok: false,
      reason: 'proxy_verification_failed',
    });
  });

  it('applies the subject allow-list to the forwarded DN, spaces and type case aside', () => {
    const allowList: DeliveryAuthOptions = {
      trustedProxy: {
        proxies: ['10.20.0.0/16'],
        allowedSubjectDns: ['cn=ethoca-alerts-client, O=Ethoca Test, C=CA'],
      },
    };
    expect(authenticateDelivery(fromPeer('10.20.3.4', verified), body, allowList)).toEqual({
      ok: true,
      mode: 'trusted-proxy',
      principal: dn,
    });
    const other = { ...verified, 'x-client-subject-dn': 'CN=someone-else,O=Ethoca Test,C=CA' };
    expect(authenticateDelivery(fromPeer('10.20.3.4', other), body, allowList)).toEqual({
      ok: false,
      reason: 'subject_not_allowed',
      detail:
        'trusted-proxy: forwarded subject "CN=someone-else,O=Ethoca Test,C=CA" is not on the allow-list',
    });
    const noSubject = { 'x-client-verify': 'SUCCESS' };
    expect(authenticateDelivery(fromPeer('10.20.3.4', noSubject), body, allowList)).toMatchObject({
      ok: false,
      reason: 'subject_not_allowed',
    });
    const notADn = { ...verified, 'x-client-subject-dn': 'just a name' };
    expect(authenticateDelivery(fromPeer('10.20.3.4', notADn), body, allowList)).toMatchObject({
      ok: false,
      reason: 'subject_not_allowed',
    });
  });

  it('uses the configured header names and success value', () => {
    const custom: DeliveryAuthOptions = {
      trustedProxy: {
        proxies: ['10.20.0.0/16'],
        verifyHeader: 'X-SSL-Client-Verify',
        verifySuccessValue: '0',
        subjectHeader: 'X-SSL-Client-DN',
      },
    };
    const headers = { 'x-ssl-client-verify': '0', 'x-ssl-client-dn': dn };
    expect(authenticateDelivery(fromPeer('10.20.3.4', headers), body, custom)).toMatchObject({
      ok: true,
      principal: dn,
    });
    expect(authenticateDelivery(fromPeer('10.20.3.4', verified), body, custom)).toMatchObject({
      ok: false,
      reason: 'proxy_verification_failed',
    });
  });

  it('names the proxy as principal when no allow-list is set and no subject was forwarded', () => {
    expect(
      authenticateDelivery(fromPeer('10.20.3.4', { 'x-client-verify': 'SUCCESS' }), body, options),
    ).toEqual({
      ok: true,
      mode: 'trusted-proxy',
      principal: 'verified client via proxy 10.20.3.4',
    });
  });

  it('answers no_credentials for a request from elsewhere without proxy headers', () => {
    expect(authenticateDelivery(fromPeer('203.0.113.5', {}), body, options)).toMatchObject({
      ok: false,
      reason: 'no_credentials',
    });
  });

  it('reads the peer address of a real loopback connection, not a header', async () => {
    const results: AuthResult[] = [];
    const trustsLoopback: DeliveryAuthOptions = { trustedProxy: { proxies: ['loopback'] } };
    const trustsOther: DeliveryAuthOptions = { trustedProxy: { proxies: ['10.20.0.0/16'] } };
    const server = createServer((req, res) => {
      results.push(
        authenticateDelivery(req, body, trustsLoopback),
        authenticateDelivery(req, body, trustsOther),
      );
      res.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { ...verified, 'x-forwarded-for': '10.20.3.4' },
      });
      req.end();
      const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream];
      res.resume();
      await once(res, 'end');
    } finally {
      server.close();
    }
    expect(results[0]).toEqual({ ok: true, mode: 'trusted-proxy', principal: dn });
    expect(results[1]).toMatchObject({ ok: false, reason: 'untrusted_proxy' });
  });
});
