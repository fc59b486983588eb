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
export {
  startTcpFaultProxy,
  type CutMode,
  type ResetShareOptions,
  type TcpFaultProxy,
} from './faults/tcp-fault-proxy.js';
export { findFreePort } from './postgres/free-port.js';
export * from './postgres/admin-client.js';
export * from './postgres/databases.js';
export * from './postgres/start-test-postgres.js';
export * from './postgres/test-postgres-server.js';
export * from './postgres/testcontainers-provider.js';
export * from './postgres/use-test-database.js';
export * from './postgres/vitest-global-setup.js';
export * from './mocks/oauth1-verifier.js';
export * from './mocks/rsa-keys.js';
export * from './mocks/mock-http.js';
export * from './mocks/msw-adapter.js';
export * from './mocks/node-http-adapter.js';
export * from './mocks/msw-server.js';
export * from './mocks/mock-ethoca.js';
export * from './mocks/mock-psp.js';
export * from './mocks/mock-mastercom.js';
// The built service as a child process with its database and mocks, shared by the integration
// and fault suites.
export * from './wait/wait.js';
// One POST over node:http, for the senders of the fault campaign and the bench.
export * from './http/post-once.js';
// The "no full card number anywhere" scan of a database and a log, shared by the suites.
export * from './card-data/card-number-scan.js';
