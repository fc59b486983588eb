export type { AuthFailureReason, AuthMode, AuthResult } from './auth-result.js';
export {
  authenticateDelivery,
  validateDeliveryAuthOptions,
  type ValidationContext,
} from './authenticate-delivery.js';
export {
  DEFAULT_SUBJECT_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  DEFAULT_VERIFY_HEADER,
  DEFAULT_VERIFY_SUCCESS_VALUE,
  describeAuthModes,
  type DeliveryAuthOptions,
  type HmacAuthOptions,
  type MtlsAuthOptions,
  type TrustedProxyAuthOptions,
} from './delivery-auth-options.js';
export { httpsServerOptions, type HttpsServerCredentials } from './https-server-options.js';
export type { DeliveryRequest } from './request-headers.js';
export { canonicalizeDn, certificateSubjectDn } from './subject-dn.js';
