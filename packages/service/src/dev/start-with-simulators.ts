// `pnpm start`: the service as production runs it (dist/main.js in a child process), plus local
// simulators of Ethoca's Outcome API and of the PSP when neither is configured, and of Mastercom
// when MASTERCOM_URL is not set either, so a fresh clone shows an alert's whole lifecycle and can
// file cases. Production never runs this file: its configuration demands
// real URLs, and its image starts dist/main.js directly.
import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const CONSUMER_KEY = 'development-simulator';
const env: NodeJS.ProcessEnv = { ...process.env };
const closers: (() => Promise<void>)[] = [];

if (env.NODE_ENV === 'production') {
  console.error('start-with-simulators is for development; production starts dist/main.js');
  process.exit(2);
}
if (env.ETHOCA_OUTCOME_URL === undefined && env.PSP_URL === undefined) {
  // Imported only here: the simulators live in the test kit, a development dependency.
  const { startMockEthoca, startMockPsp } = await import('@mastercom/testkit');
  const keyPath = await developmentSigningKey();
  // The key path is fixed below, under .data; nothing here reads a path from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
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
  closers.push(
    () => ethoca.close(),
    () => psp.close(),
  );
  Object.assign(env, {
    ETHOCA_OUTCOME_URL: ethoca.url,
    PSP_URL: psp.url,
    MASTERCARD_CONSUMER_KEY: CONSUMER_KEY,
    MASTERCARD_SIGNING_KEY_PEM_PATH: keyPath,
  });
  console.log(
    `SIMULATORS (development only, not Mastercard or a PSP): Ethoca Outcome API at ${ethoca.url}, PSP refunds at ${psp.url}`,
  );
  if (env.MASTERCOM_URL === undefined) {
    const { startMockMastercom } = await import('@mastercom/testkit');
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
    env.MASTERCOM_SYNC_INTERVAL_SECONDS ??= '30';
    const sample = seeded[0]?.chargebacks[0]?.chargebackRefNum ?? '1234567890';
    console.log(
      `SIMULATORS (development only, not Mastercard): Mastercom v6 at ${mastercom.url} with ${String(seeded.length)} chargebacks in Unworked (one has chargebackRefNum ${sample})`,
    );
  }
} else if (env.ETHOCA_OUTCOME_URL === undefined || env.PSP_URL === undefined) {
  console.error('set both ETHOCA_OUTCOME_URL and PSP_URL, or neither to use the local simulators');
  process.exit(2);
}

const service = spawn(
  process.execPath,
  ['--enable-source-maps', fileURLToPath(new URL('../main.js', import.meta.url))],
  {
    env,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => service.kill(signal));
}
service.on('exit', (code, signal) => {
  void Promise.all(closers.map((close) => close())).finally(() => {
    process.exit(code ?? (signal === null ? 0 : 1));
  });
});

/** A signing key kept in .data so that restarts reuse it; made on first use. */
async function developmentSigningKey(): Promise<string> {
  const folder = '.data/dev-simulators';
  const path = `${folder}/mastercard-signing-key.pem`;
  try {
    await readFile(path);
  } catch {
    await mkdir(folder, { recursive: true });
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await writeFile(path, privateKey, { mode: 0o600 });
  }
  return path;
}
