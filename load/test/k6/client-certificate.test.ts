import { describe, expect, it } from 'vitest';
import { hostOf, webhookClientCertificate } from '../../src/k6/client-certificate.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n';
const files: Record<string, string> = { '/c.pem': CERT, '/k.pem': KEY, '/empty': '' };
const read = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`no file ${path}`);
  return text;
};
const url = 'https://ethoca-webhook.staging.mastercom.internal:443/x';

describe('webhookClientCertificate', () => {
  it('offers the certificate to the webhook host only', () => {
    expect(
      webhookClientCertificate(
        { LOAD_CLIENT_CERT_FILE: '/c.pem', LOAD_CLIENT_KEY_FILE: '/k.pem' },
        url,
        read,
      ),
    ).toEqual({ domains: ['ethoca-webhook.staging.mastercom.internal'], cert: CERT, key: KEY });
  });

  it('is absent when neither file is named', () => {
    expect(webhookClientCertificate({}, url, read)).toBeUndefined();
  });

  it('names each configuration error', () => {
    expect(() => webhookClientCertificate({ LOAD_CLIENT_CERT_FILE: '/c.pem' }, url, read)).toThrow(
      /must be set together/,
    );
    const both = { LOAD_CLIENT_CERT_FILE: '/c.pem', LOAD_CLIENT_KEY_FILE: '/k.pem' };
    expect(() => webhookClientCertificate(both, 'http://plain.test', read)).toThrow(
      /needs an https WEBHOOK_URL/,
    );
    expect(() =>
      webhookClientCertificate({ ...both, LOAD_CLIENT_CERT_FILE: '/empty' }, url, read),
    ).toThrow(/\/empty holds no PEM certificate/);
    expect(() =>
      webhookClientCertificate({ ...both, LOAD_CLIENT_KEY_FILE: '/c.pem' }, url, read),
    ).toThrow(/\/c.pem holds no PEM private key/);
  });
});

describe('hostOf', () => {
  it('reads the host without port, credentials or path', () => {
    expect(hostOf('https://user@Example.test:8443/a?b')).toBe('example.test');
    expect(hostOf('http://[::1]:8080/')).toBe('[::1]');
    expect(() => hostOf('ftp://x')).toThrow(/not an http\(s\) URL/);
  });
});
