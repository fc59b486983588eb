import proxyAddr from 'proxy-addr';
import { accepted, notApplicable, quoteForLog, rejected, type ModeOutcome } from './auth-result.js';
import {
  DEFAULT_SUBJECT_HEADER,
  DEFAULT_VERIFY_HEADER,
  DEFAULT_VERIFY_SUCCESS_VALUE,
  type TrustedProxyAuthOptions,
} from './delivery-auth-options.js';
import { readSingleHeader, type DeliveryRequest } from './request-headers.js';
import { canonicalizeDn, compileSubjectAllowList } from './subject-dn.js';

export interface CompiledTrustedProxy {
  readonly isTrusted: (address: string) => boolean;
  readonly verifyHeader: string;
  readonly verifySuccessValue: string;
  readonly subjectHeader: string;
  readonly allowed: ReadonlySet<string> | undefined;
}

/** Throws on an entry proxy-addr cannot parse, so a typo fails at start rather than per request. */
export function compileTrustedProxy(options: TrustedProxyAuthOptions): CompiledTrustedProxy {
  if (options.proxies.length === 0) {
    throw new Error('trustedProxy.proxies is empty, so no proxy could ever be trusted');
  }
  const trust = proxyAddr.compile([...options.proxies]);
  const { allowed, invalid } = compileSubjectAllowList(options.allowedSubjectDns);
  if (invalid.length > 0) {
    throw new Error(
      `trustedProxy.allowedSubjectDns has ${invalid.length} entries that are not DNs`,
    );
  }
  const verifySuccessValue = options.verifySuccessValue ?? DEFAULT_VERIFY_SUCCESS_VALUE;
  if (verifySuccessValue.length === 0) {
    throw new Error('trustedProxy.verifySuccessValue must not be empty');
  }
  return {
    isTrusted: (address) => {
      // proxy-addr parses the address and throws on one it cannot read; Node only reports
      // well-formed peers, but an unreadable one is simply not a trusted proxy.
      try {
        return trust(address, 0);
      } catch {
        return false;
      }
    },
    verifyHeader: (options.verifyHeader ?? DEFAULT_VERIFY_HEADER).toLowerCase(),
    verifySuccessValue,
    subjectHeader: (options.subjectHeader ?? DEFAULT_SUBJECT_HEADER).toLowerCase(),
    allowed,
  };
}

/**
 * Believes the forwarded verification only from a configured proxy, judged by the TCP peer
 * address. The same headers from anyone else are an attempt to impersonate the proxy and are
 * refused outright. A request from a proxy without the headers is refused too: the proxy is
 * expected to say what it verified on every request.
 */
export function checkTrustedProxy(
  req: DeliveryRequest,
  compiled: CompiledTrustedProxy,
): ModeOutcome {
  const verify = readSingleHeader(req, compiled.verifyHeader);
  const subject = readSingleHeader(req, compiled.subjectHeader);
  const peer = req.socket.remoteAddress;
  const fromProxy = peer !== undefined && compiled.isTrusted(peer);

  if (!fromProxy) {
    if (verify.status === 'missing' && subject.status === 'missing') {
      return notApplicable;
    }
    return rejected(
      'untrusted_proxy',
      `${compiled.verifyHeader}/${compiled.subjectHeader} sent by ${peer ?? 'an unknown peer'}, ` +
        'which is not a trusted proxy',
    );
  }

  if (verify.status === 'missing') {
    return rejected(
      'proxy_verification_failed',
      `trusted proxy ${peer} sent no ${compiled.verifyHeader} header`,
    );
  }
  if (verify.status === 'invalid') {
    return rejected('proxy_verification_failed', verify.detail);
  }
  if (verify.value !== compiled.verifySuccessValue) {
    return rejected(
      'proxy_verification_failed',
      `trusted proxy ${peer} reported ${compiled.verifyHeader}=${quoteForLog(verify.value, 100)}`,
    );
  }

  if (subject.status === 'invalid') {
    return rejected('subject_not_allowed', subject.detail);
  }
  const subjectDn = subject.status === 'present' ? canonicalizeDn(subject.value) : undefined;
  if (compiled.allowed !== undefined) {
    if (subjectDn === undefined) {
      return rejected(
        'subject_not_allowed',
        subject.status === 'missing'
          ? `trusted proxy ${peer} sent no ${compiled.subjectHeader} header`
          : `${compiled.subjectHeader} ${quoteForLog(subject.value)} is not a DN`,
      );
    }
    if (!compiled.allowed.has(subjectDn)) {
      return rejected(
        'subject_not_allowed',
        `forwarded subject ${quoteForLog(subjectDn)} is not on the allow-list`,
      );
    }
  }
  return accepted(subjectDn ?? `verified client via proxy ${peer}`);
}
