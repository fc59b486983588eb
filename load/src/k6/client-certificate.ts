// The load-test client certificate k6 presents to the webhook host, as Ethoca presents its own
// (docs/decisions/0001). k6's `tlsAuth` option takes PEM text and the domains it is offered to
// (https://grafana.com/docs/k6/latest/using-k6/k6-options/reference/#tls-auth); `open` reads
// files only in k6's init context, which is where this runs.

export interface TlsAuth {
  readonly domains: string[];
  readonly cert: string;
  readonly key: string;
}

/** The host of an http(s) URL; k6 has no URL class in its runtime. */
export function hostOf(url: string): string {
  const scheme = /^https?:\/\//i.exec(url);
  if (scheme === null) throw new Error(`${url} is not an http(s) URL`);
  const rest = url.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostPort.startsWith('[')
    ? hostPort.slice(0, hostPort.indexOf(']') + 1)
    : (hostPort.split(':', 1)[0] ?? '');
  if (host === '') throw new Error(`${url} is not an http(s) URL`);
  return host.toLowerCase();
}

/**
 * The tlsAuth entry for the webhook host from LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE, or
 * undefined when neither is set. One without the other is a configuration error, named here.
 */
export function webhookClientCertificate(
  env: Readonly<Record<string, string | undefined>>,
  webhookUrl: string,
  read: (path: string) => string,
): TlsAuth | undefined {
  const certFile = env.LOAD_CLIENT_CERT_FILE ?? '';
  const keyFile = env.LOAD_CLIENT_KEY_FILE ?? '';
  if (certFile === '' && keyFile === '') return undefined;
  if (certFile === '' || keyFile === '') {
    throw new Error('LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE must be set together');
  }
  if (!webhookUrl.toLowerCase().startsWith('https://')) {
    throw new Error(`a client certificate needs an https WEBHOOK_URL, not ${webhookUrl}`);
  }
  const cert = read(certFile);
  const key = read(keyFile);
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${certFile} holds no PEM certificate`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    throw new Error(`${keyFile} holds no PEM private key`);
  }
  return { domains: [hostOf(webhookUrl)], cert, key };
}
