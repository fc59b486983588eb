export {
  createTestPki,
  DEFAULT_CLIENT_SUBJECT_DN,
  toEncodingOrder,
  type CreateTestPkiOptions,
  type IssuedCertificate,
  type PemKeyPair,
  type TestPki,
} from './tls/test-pki.js';
export {
  decodeStandardWebhookSecret,
  generateStandardWebhookSecret,
  signStandardWebhook,
  standardWebhookHeaders,
  standardWebhookSignature,
  type SignStandardWebhookInput,
  type StandardWebhookHeaders,
  type StandardWebhookHeadersInput,
} from './webhook-signing/standard-webhook-signer.js';
export { startTcpFaultProxy, type CutMode, type TcpFaultProxy } from './faults/tcp-fault-proxy.js';
