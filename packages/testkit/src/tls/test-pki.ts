// @peculiar/x509 resolves its algorithm registry through tsyringe, which needs the Reflect
// metadata API; the polyfill has to be loaded before the library itself.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A certificate and its private key, both PEM encoded (the key as unencrypted PKCS #8). */
export interface PemKeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A leaf certificate together with the subject DN it was issued for, in RFC 4514 order. */
export interface IssuedCertificate extends PemKeyPair {
  readonly subjectDn: string;
}

/** Everything a TLS test needs: one trusted CA, a server, and clients that should pass or fail. */
export interface TestPki {
  /** The CA the server trusts for client certificates and the client trusts for the server. */
  readonly ca: PemKeyPair;
  /** Issued by `ca` for `localhost`, `127.0.0.1` and `::1`. */
  readonly server: IssuedCertificate;
  /** Issued by `ca` with the requested subject; valid now, with the clientAuth usage. */
  readonly client: IssuedCertificate;
  /** A second CA the server does not trust. */
  readonly foreignCa: PemKeyPair;
  /** Same subject as `client`, but issued by `foreignCa`. */
  readonly foreignClient: IssuedCertificate;
  /** Same subject as `client`, issued by `ca`, but its validity ended a day ago. */
  readonly expiredClient: IssuedCertificate;
}

export interface CreateTestPkiOptions {
  /** Subject of the client certificates in RFC 4514 form; defaults to a fictitious Ethoca client. */
  readonly clientSubjectDn?: string;
  /** Subject of the CA certificates' common name prefix; only useful to tell PKIs apart in logs. */
  readonly name?: string;
  /** Reference time for validity periods, in milliseconds since the epoch; defaults to now. */
  readonly now?: number;
}

export const DEFAULT_CLIENT_SUBJECT_DN = 'CN=ethoca-alerts-client,O=Ethoca Test,C=CA';

const DAY_MS = 24 * 60 * 60 * 1000;

// ECDSA P-256 keeps generation to a few milliseconds per key, so every test run can build its own
// PKI instead of committing key material that would eventually expire or leak into other uses.
const keyAlgorithm: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

x509.cryptoProvider.set(webcrypto);

/**
 * @peculiar/x509 encodes a DN string's RDNs in the order written, while RFC 4514 writes them in
 * reverse encoding order (most specific first). Reversing here makes `CN=x,O=y,C=z` produce the
 * conventional certificate with C first, which is what servers and proxies render back as
 * `CN=x,O=y,C=z`.
 */
export function toEncodingOrder(rfc4514Dn: string): string {
  const rdns: string[] = [];
  let current = '';
  for (let i = 0; i < rfc4514Dn.length; i += 1) {
    const char = rfc4514Dn.charAt(i);
    if (char === '\\' && i + 1 < rfc4514Dn.length) {
      current += char + rfc4514Dn.charAt(i + 1);
      i += 1;
    } else if (char === ',') {
      rdns.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  rdns.push(current.trim());
  return rdns.reverse().join(',');
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

interface Authority {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly pem: PemKeyPair;
}

async function createAuthority(commonName: string, now: number): Promise<Authority> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: toEncodingOrder(`CN=${commonName},O=mastercom-service tests`),
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    keys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    cert,
    keys,
    pem: { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) },
  };
}

interface LeafRequest {
  readonly subjectDn: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly usage: 'server' | 'client';
  readonly altNames?: readonly x509.JsonGeneralName[];
}

async function issueLeaf(issuer: Authority, request: LeafRequest): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    // OpenSSL checks the extended key usage against the side of the handshake, so a client
    // certificate without clientAuth would fail for a reason unrelated to what a test means.
    new x509.ExtendedKeyUsageExtension(
      [
        request.usage === 'server'
          ? x509.ExtendedKeyUsage.serverAuth
          : x509.ExtendedKeyUsage.clientAuth,
      ],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (request.altNames !== undefined) {
    extensions.push(new x509.SubjectAlternativeNameExtension([...request.altNames]));
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: toEncodingOrder(request.subjectDn),
    issuer: issuer.cert.subjectName,
    notBefore: new Date(request.notBefore),
    notAfter: new Date(request.notAfter),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm,
    extensions,
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: await privateKeyPem(keys.privateKey),
    subjectDn: request.subjectDn,
  };
}

/**
 * Builds a throwaway PKI in memory for mTLS tests. Nothing touches the disk and nothing is
 * reused between calls, so a test can never depend on key material from another run.
 */
export async function createTestPki(options: CreateTestPkiOptions = {}): Promise<TestPki> {
  const now = options.now ?? Date.now();
  const name = options.name ?? 'mastercom-service test';
  const clientSubjectDn = options.clientSubjectDn ?? DEFAULT_CLIENT_SUBJECT_DN;

  const [ca, foreignCa] = await Promise.all([
    createAuthority(`${name} CA`, now),
    createAuthority(`${name} foreign CA`, now),
  ]);
  const valid = { notBefore: now - DAY_MS, notAfter: now + 7 * DAY_MS };

  const [server, client, foreignClient, expiredClient] = await Promise.all([
    issueLeaf(ca, {
      subjectDn: 'CN=localhost,O=mastercom-service tests',
      usage: 'server',
      altNames: [
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ],
      ...valid,
    }),
    issueLeaf(ca, { subjectDn: clientSubjectDn, usage: 'client', ...valid }),
    issueLeaf(foreignCa, { subjectDn: clientSubjectDn, usage: 'client', ...valid }),
    issueLeaf(ca, {
      subjectDn: clientSubjectDn,
      usage: 'client',
      notBefore: now - 10 * DAY_MS,
      notAfter: now - DAY_MS,
    }),
  ]);

  return { ca: ca.pem, server, client, foreignCa: foreignCa.pem, foreignClient, expiredClient };
}
