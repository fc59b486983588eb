/**
 * How deliveries to `POST /api/v6/webhooks/ethoca` are authenticated. The config layer builds
 * this from the environment; every mode that is present is active. Treat the object as immutable:
 * `authenticateDelivery` compiles it once and keeps the compiled form for the object's lifetime.
 */
export interface DeliveryAuthOptions {
  /** This process terminates TLS and checks the client certificate itself. */
  readonly mtls?: MtlsAuthOptions | undefined;
  /** An ingress terminated mTLS and forwards its verdict in headers. */
  readonly trustedProxy?: TrustedProxyAuthOptions | undefined;
  /** A relay signs each delivery with the Standard Webhooks HMAC scheme. */
  readonly hmac?: HmacAuthOptions | undefined;
}

export interface MtlsAuthOptions {
  /**
   * Subject DNs allowed to deliver, in RFC 4514 form (`CN=...,O=...,C=...`); see `subject-dn.ts`
   * for how they are compared. Empty or absent: any certificate the CA bundle verifies.
   */
  readonly allowedSubjectDns?: readonly string[] | undefined;
}

export interface TrustedProxyAuthOptions {
  /**
   * Addresses of the proxies whose headers are believed: IPv4 or IPv6 addresses, CIDR ranges, or
   * proxy-addr's names `loopback`, `linklocal` and `uniquelocal`. Matched against the TCP peer,
   * never against X-Forwarded-For, which the client controls.
   */
  readonly proxies: readonly string[];
  /** Header carrying the proxy's verification result; default `x-client-verify`. */
  readonly verifyHeader?: string | undefined;
  /** The verification header's value for a verified certificate; default `SUCCESS`. */
  readonly verifySuccessValue?: string | undefined;
  /** Header carrying the client certificate's subject DN; default `x-client-subject-dn`. */
  readonly subjectHeader?: string | undefined;
  /** Same meaning as for mTLS, applied to the forwarded subject DN. */
  readonly allowedSubjectDns?: readonly string[] | undefined;
}

export interface HmacAuthOptions {
  /**
   * Signing secrets as `whsec_<base64>` or plain base64. A signature made with any of them is
   * accepted, so a new secret can be added before the sender switches and the old one removed
   * after.
   */
  readonly secrets: readonly string[];
  /** Largest accepted distance between the signed timestamp and now; default 300 seconds. */
  readonly toleranceSeconds?: number | undefined;
}

export const DEFAULT_VERIFY_HEADER = 'x-client-verify';
export const DEFAULT_VERIFY_SUCCESS_VALUE = 'SUCCESS';
export const DEFAULT_SUBJECT_HEADER = 'x-client-subject-dn';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function configuredModeCount(options: DeliveryAuthOptions): number {
  return [options.mtls, options.trustedProxy, options.hmac].filter((mode) => mode !== undefined)
    .length;
}

function allowListText(list: readonly string[] | undefined): string {
  const count = list?.length ?? 0;
  return count === 0 ? 'any subject' : `subject on an allow-list of ${count}`;
}

/**
 * One line per active mode, in the order they are tried, for the webhook's health endpoint.
 * Never includes secrets; DNs and proxy addresses are counted rather than listed.
 */
export function describeAuthModes(options: DeliveryAuthOptions): string[] {
  const lines: string[] = [];
  if (options.mtls !== undefined) {
    lines.push(
      `mtls: verified client certificate, ${allowListText(options.mtls.allowedSubjectDns)}`,
    );
  }
  if (options.trustedProxy !== undefined) {
    const proxy = options.trustedProxy;
    const header = proxy.verifyHeader ?? DEFAULT_VERIFY_HEADER;
    const success = proxy.verifySuccessValue ?? DEFAULT_VERIFY_SUCCESS_VALUE;
    lines.push(
      `trusted-proxy: ${header.toLowerCase()}=${success} from ${proxy.proxies.length} proxy ` +
        `address entr${proxy.proxies.length === 1 ? 'y' : 'ies'}, ${allowListText(proxy.allowedSubjectDns)}`,
    );
  }
  if (options.hmac !== undefined) {
    const count = options.hmac.secrets.length;
    const tolerance = options.hmac.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    lines.push(
      `hmac: Standard Webhooks v1 signature, ${count} secret${count === 1 ? '' : 's'}, ` +
        `timestamp within ${tolerance}s`,
    );
  }
  return lines;
}
