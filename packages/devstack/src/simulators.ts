// The simulators `pnpm start` puts in place of Ethoca's Outcome API, the PSP and Mastercom: the
// test kit's mocks on loopback, with a Mastercard signing key kept under .data so that restarts
// reuse it. Each returns the variables that point the service at it.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { startMockEthoca, startMockMastercom, startMockPsp } from '@mastercom/testkit';

const CONSUMER_KEY = 'development-simulator';
const KEY_FOLDER = '.data/dev-simulators';

export interface Simulators {
  /** What the service's environment gains. */
  readonly env: Record<string, string>;
  /** One line each, for the developer. */
  readonly described: readonly string[];
  close(): Promise<void>;
}

/** Ethoca and the PSP, and Mastercom too unless `withMastercom` is false. */
export async function startSimulators(withMastercom: boolean): Promise<Simulators> {
  const keyPath = await developmentSigningKey();
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the fixed path above
  const publicKeyPem = createPublicKey(await readFile(keyPath, 'utf8'))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const ethoca = await startMockEthoca({
    publicKeyPem,
    consumerKey: CONSUMER_KEY,
    host: '127.0.0.1',
    port: 0,
  });
  const psp = await startMockPsp({ host: '127.0.0.1', port: 0 });
  const closers = [() => ethoca.close(), () => psp.close()];
  const env: Record<string, string> = {
    ETHOCA_OUTCOME_URL: ethoca.url,
    PSP_URL: psp.url,
    MASTERCARD_CONSUMER_KEY: CONSUMER_KEY,
    MASTERCARD_SIGNING_KEY_PEM_PATH: keyPath,
  };
  const described = [
    `SIMULATORS (development only, not Mastercard or a PSP): Ethoca Outcome API at ${ethoca.url}, PSP refunds at ${psp.url}`,
  ];
  if (withMastercom) {
    const mastercom = await startMockMastercom({
      publicKeyPem,
      consumerKey: CONSUMER_KEY,
      host: '127.0.0.1',
      port: 0,
      // The development database keeps its cases across restarts; the simulator does not, so its
      // case ids start from the clock to stay unique.
      firstCaseId: Math.floor(Date.now() / 1000),
    });
    closers.push(() => mastercom.close());
    // A few chargebacks waiting in Unworked, so the first sync has something to acknowledge.
    const seeded = mastercom.state.seedUnworked(5, Date.now() % 100_000);
    env.MASTERCOM_URL = mastercom.url;
    env.MASTERCOM_SYNC_INTERVAL_SECONDS = '30';
    const sample = seeded[0]?.chargebacks[0]?.chargebackRefNum ?? '1234567890';
    described.push(
      `SIMULATORS (development only, not Mastercard): Mastercom v6 at ${mastercom.url} with ${String(seeded.length)} chargebacks in Unworked (one has chargebackRefNum ${sample})`,
    );
  }
  return {
    env,
    described,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

/** A signing key kept in .data so that restarts reuse it; made on first use. */
async function developmentSigningKey(): Promise<string> {
  const path = `${KEY_FOLDER}/mastercard-signing-key.pem`;
  try {
    await readFile(path);
  } catch {
    await mkdir(KEY_FOLDER, { recursive: true });
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await writeFile(path, privateKey, { mode: 0o600 });
  }
  return path;
}
