/* eslint-disable security/detect-non-literal-fs-filename -- the only paths are files in MOCKS_KEY_DIR, a folder the Compose file mounts */
// The `mocks` service of docker-compose.yml: the mock Ethoca Outcome API, PSP refund API and
// Mastercom from this test kit as real HTTP servers, plus the credentials the service needs to
// talk to them. Nothing secret lives in the repository: each start makes a fresh Mastercard
// signing key pair (the mocks verify with the public half), a Standard Webhooks secret and an API
// token, and writes the service's halves into MOCKS_KEY_DIR, which the service mounts and reads
// through its *_FILE variables.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { startMockEthoca } from '../mocks/mock-ethoca.js';
import { startMockMastercom } from '../mocks/mock-mastercom.js';
import { startMockPsp } from '../mocks/mock-psp.js';
import { generateRsaKeyPair } from '../mocks/rsa-keys.js';
import { generateStandardWebhookSecret } from '../webhook-signing/standard-webhook-signer.js';

const env = process.env;
const host = env.MOCKS_HOST ?? '0.0.0.0';
const keyDir = env.MOCKS_KEY_DIR ?? '/keys';
const consumerKey = env.MASTERCARD_CONSUMER_KEY ?? 'compose-consumer-key';
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

// A stale ready marker from an earlier start must not let the service start before this one is.
rmSync(path.join(keyDir, 'ready'), { force: true });
mkdirSync(keyDir, { recursive: true });
const keys = generateRsaKeyPair();
const webhookSecret = generateStandardWebhookSecret();
const apiToken = randomBytes(24).toString('base64url');
// Readable by the service's non-root user in its own container; these are throwaway development
// credentials made for this start only.
writeFileSync(path.join(keyDir, 'mastercard-signing-key.pem'), keys.privateKeyPem, { mode: 0o644 });
writeFileSync(path.join(keyDir, 'webhook-hmac-secrets'), webhookSecret, { mode: 0o644 });
// The service runs with production rules in Compose: the token carries its role.
writeFileSync(path.join(keyDir, 'api-tokens'), `admin:${apiToken}`, { mode: 0o644 });

const ethoca = await startMockEthoca({
  publicKeyPem: keys.publicKeyPem,
  consumerKey,
  host,
  port: port('MOCK_ETHOCA_PORT', 8081),
});
const psp = await startMockPsp({ host, port: port('MOCK_PSP_PORT', 8082) });
const mastercom = await startMockMastercom({
  publicKeyPem: keys.publicKeyPem,
  consumerKey,
  host,
  port: port('MOCK_MASTERCOM_PORT', 8083),
});
// A few unworked chargebacks, so the queue sync has something to do on a fresh start.
mastercom.state.seedUnworked(5, 1);

// The Compose health check asks this listener; it answers only once every mock listens and the
// credentials are written.
const health = createServer((req, res) => {
  res.writeHead(req.url === '/ready' ? 200 : 404).end();
});
await new Promise<void>((resolve) => health.listen(port('MOCKS_HEALTH_PORT', 8090), host, resolve));
writeFileSync(path.join(keyDir, 'ready'), new Date().toISOString(), { mode: 0o644 });

console.log(`mocks: Ethoca ${ethoca.url}, PSP ${psp.url}, Mastercom ${mastercom.url}`);
console.log(`mocks: API token ${apiToken} (admin)`);
console.log(`mocks: webhook secret ${webhookSecret} (WEBHOOK_HMAC_SECRETS for pnpm alerts:send)`);

async function stop(): Promise<void> {
  health.close();
  await Promise.all([ethoca.close(), psp.close(), mastercom.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
