import type { ServerOptions } from 'node:https';

export interface HttpsServerCredentials {
  /** The server certificate chain, leaf first. */
  readonly certPem: string;
  readonly keyPem: string;
  /** The CAs whose client certificates are accepted (for Ethoca, the Entrust chain). */
  readonly caBundlePem: string;
}

/**
 * Options for `https.createServer` when this process terminates Ethoca's mutual TLS itself.
 *
 * `requestCert: true` asks every client for a certificate, and `rejectUnauthorized: false` keeps
 * the connection open when the certificate is missing or does not verify. With
 * `rejectUnauthorized: true` OpenSSL would abort the handshake instead, and the sender would see
 * only a TLS alert with no hint whether the CA, the expiry or the missing certificate was wrong.
 * Letting the handshake finish means `authenticateDelivery` can answer a clear 401 with a reason,
 * and the health routes on the same listener stay reachable without a certificate. The cost is
 * that every route on this server must authenticate deliveries itself, which the webhook route
 * does by reading `socket.authorized`.
 *
 * TLS 1.2 is the floor Mastercard requires of its endpoints; anything older is refused.
 */
export function httpsServerOptions(credentials: HttpsServerCredentials): ServerOptions {
  return {
    cert: credentials.certPem,
    key: credentials.keyPem,
    ca: credentials.caBundlePem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
}
