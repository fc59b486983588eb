import { TLSSocket } from 'node:tls';
import { accepted, notApplicable, quoteForLog, rejected, type ModeOutcome } from './auth-result.js';
import type { MtlsAuthOptions } from './delivery-auth-options.js';
import type { DeliveryRequest } from './request-headers.js';
import { certificateSubjectDn, compileSubjectAllowList } from './subject-dn.js';

export interface CompiledMtls {
  readonly allowed: ReadonlySet<string> | undefined;
}

export function compileMtls(options: MtlsAuthOptions): CompiledMtls {
  const { allowed, invalid } = compileSubjectAllowList(options.allowedSubjectDns);
  if (invalid.length > 0) {
    throw new Error(`mtls.allowedSubjectDns has ${invalid.length} entries that are not DNs`);
  }
  return { allowed };
}

/**
 * Judges the client certificate of a connection this process terminated. A plain socket, or a
 * TLS socket without a client certificate, carries no mTLS credential at all, so another mode
 * may still authenticate the request.
 */
export function checkMtls(req: DeliveryRequest, compiled: CompiledMtls): ModeOutcome {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket)) {
    return notApplicable;
  }
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) {
    return notApplicable;
  }
  if (!socket.authorized) {
    // authorizationError is OpenSSL's verdict, e.g. CERT_HAS_EXPIRED or
    // UNABLE_TO_VERIFY_LEAF_SIGNATURE, which is exactly what an operator needs to see.
    const error = socket.authorizationError as Error | string | undefined;
    const code = typeof error === 'string' ? error : (error?.message ?? 'unknown');
    return rejected('certificate_not_verified', `client certificate did not verify: ${code}`);
  }
  const subject = certificateSubjectDn(certificate);
  if (compiled.allowed !== undefined && !compiled.allowed.has(subject)) {
    return rejected(
      'subject_not_allowed',
      `client certificate subject ${quoteForLog(subject)} is not on the allow-list`,
    );
  }
  return accepted(subject);
}
