import { signStandardWebhook } from '@mastercom/testkit';
import { describe, expect, it } from 'vitest';
import {
  authenticateDelivery,
  describeAuthModes,
  httpsServerOptions,
  validateDeliveryAuthOptions,
  type DeliveryAuthOptions,
  type DeliveryRequest,
} from '../../../src/alerts/authentication/index.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = Buffer.from('{"alerts":[]}');
const now = 1_700_000_000;
const clock = (): number => now * 1000;
const signed = signStandardWebhook({ secret, id: 'msg_1', timestamp: now, body });

const all: DeliveryAuthOptions = {
  mtls: {},
  trustedProxy: { proxies: ['10.0.0.0/8'] },
  hmac: { secrets: [secret] },
};

function req(remoteAddress: string, headers: Record<string, string>): DeliveryRequest {
  return { headers, socket: { remoteAddress } };
}

describe('authenticateDelivery mode order', () => {
  it('accepts the first mode that succeeds, trying the proxy before the signature', () => {
    const both = { 'x-client-verify': 'SUCCESS', ...signed };
    expect(authenticateDelivery(req('10.1.2.3', both), body, all, clock)).toMatchObject({
      ok: true,
      mode: 'trusted-proxy',
    });
  });

  it('accepts a valid signature even when spoofed proxy headers are refused', () => {
    const spoofed = { 'x-client-verify': 'SUCCESS', ...signed };
    expect(authenticateDelivery(req('203.0.113.1', spoofed), body, all, clock)).toEqual({
      ok: true,
      mode: 'hmac',
      principal: 'hmac secret #1',
    });
  });

  it('reports the first refusal among the modes that found a credential', () => {
    const spoofed = { 'x-client-verify': 'SUCCESS', ...signed, 'webhook-id': 'msg_2' };
    expect(authenticateDelivery(req('203.0.113.1', spoofed), body, all, clock)).toMatchObject({
      ok: false,
      reason: 'untrusted_proxy',
    });
    const onlySignature = { ...signed, 'webhook-id': 'msg_2' };
    expect(authenticateDelivery(req('203.0.113.1', onlySignature), body, all, clock)).toMatchObject(
      {
        ok: false,
        reason: 'signature_mismatch',
      },
    );
  });

  it('lists what it expected when the request carries no credential', () => {
    expect(authenticateDelivery(req('203.0.113.1', {}), body, all, clock)).toEqual({
      ok: false,
      reason: 'no_credentials',
      detail: `expected one of: ${describeAuthModes(all).join('; ')}`,
    });
  });

  it('ignores credentials for modes that are not configured', () => {
    const hmacOnly: DeliveryAuthOptions = { hmac: { secrets: [secret] } };
    const proxyHeaders = { 'x-client-verify': 'SUCCESS' };
    expect(
      authenticateDelivery(req('10.1.2.3', proxyHeaders), body, hmacOnly, clock),
    ).toMatchObject({
      ok: false,
      reason: 'no_credentials',
    });
  });
});

describe('authenticateDelivery on bad configuration', () => {
  it('refuses everything when no mode is configured', () => {
    expect(authenticateDelivery(req('10.1.2.3', { ...signed }), body, {}, clock)).toEqual({
      ok: false,
      reason: 'auth_not_configured',
      detail: 'no delivery authentication mode is configured',
    });
  });

  it('refuses with auth_misconfigured instead of throwing, and names no secret', () => {
    const badSecret: DeliveryAuthOptions = { hmac: { secrets: [secret, 'whsec_no good!'] } };
    const result = authenticateDelivery(req('10.1.2.3', { ...signed }), body, badSecret, clock);
    expect(result).toEqual({
      ok: false,
      reason: 'auth_misconfigured',
      detail: 'hmac.secrets[1] is not base64 (optionally prefixed with whsec_)',
    });
    const badProxy: DeliveryAuthOptions = { trustedProxy: { proxies: ['10.0.0.0/99'] } };
    expect(authenticateDelivery(req('10.1.2.3', {}), body, badProxy, clock)).toMatchObject({
      ok: false,
      reason: 'auth_misconfigured',
    });
  });

  it('survives hostile header values without throwing', () => {
    const hostile: DeliveryRequest = {
      headers: {
        'webhook-id': '\u0000'.repeat(100),
        'webhook-timestamp': String(now),
        'webhook-signature': 'v1,' + '\u00ff'.repeat(1000),
        'x-client-verify': 'SUCCESS',
        'x-client-subject-dn': ',,,===\\',
      },
      socket: { remoteAddress: 'not an address' },
    };
    const result = authenticateDelivery(hostile, body, all, clock);
    expect(result).toMatchObject({ ok: false, reason: 'untrusted_proxy' });
  });
});

describe('validateDeliveryAuthOptions', () => {
  it('requires a mode outside development only', () => {
    expect(validateDeliveryAuthOptions({}, { environment: 'development' })).toEqual([]);
    expect(validateDeliveryAuthOptions({}, { environment: 'production' })).toEqual([
      'no delivery authentication mode (mtls, trustedProxy, hmac) is configured; at least one is ' +
        'required outside development (environment is "production")',
    ]);
  });

  it('accepts a complete configuration', () => {
    expect(validateDeliveryAuthOptions(all, { environment: 'production' })).toEqual([]);
  });

  it('lists every problem of every mode', () => {
    const problems = validateDeliveryAuthOptions(
      {
        mtls: { allowedSubjectDns: ['not a dn'] },
        trustedProxy: { proxies: [] },
        hmac: { secrets: ['whsec_'], toleranceSeconds: 0 },
      },
      { environment: 'production' },
    );
    expect(problems).toEqual([
      'mtls.allowedSubjectDns has 1 entries that are not DNs',
      'trustedProxy.proxies is empty, so no proxy could ever be trusted',
      'hmac.secrets[0] is not base64 (optionally prefixed with whsec_)',
    ]);
    expect(
      validateDeliveryAuthOptions(
        { hmac: { secrets: [secret], toleranceSeconds: 1.5 } },
        { environment: 'test' },
      ),
    ).toEqual(['hmac.toleranceSeconds must be a positive whole number of seconds']);
    expect(
      validateDeliveryAuthOptions(
        { trustedProxy: { proxies: ['10.0.0.300'] } },
        { environment: 'test' },
      ),
    ).toHaveLength(1);
  });
});

describe('describeAuthModes', () => {
  it('describes each configured mode in trial order without secrets', () => {
    const lines = describeAuthModes({
      mtls: { allowedSubjectDns: ['CN=a', 'CN=b'] },
      trustedProxy: { proxies: ['10.0.0.0/8'] },
      hmac: { secrets: [secret, secret], toleranceSeconds: 120 },
    });
    expect(lines).toEqual([
      'mtls: verified client certificate, subject on an allow-list of 2',
      'trusted-proxy: x-client-verify=SUCCESS from 1 proxy address entry, any subject',
      'hmac: Standard Webhooks v1 signature, 2 secrets, timestamp within 120s',
    ]);
    expect(lines.join('\n')).not.toContain('MfKQ9r8');
    expect(describeAuthModes({})).toEqual([]);
  });
});

describe('httpsServerOptions', () => {
  it('asks for client certificates without aborting the handshake, from TLS 1.2 up', () => {
    expect(httpsServerOptions({ certPem: 'CERT', keyPem: 'KEY', caBundlePem: 'CA' })).toEqual({
      cert: 'CERT',
      key: 'KEY',
      ca: 'CA',
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
  });
});
