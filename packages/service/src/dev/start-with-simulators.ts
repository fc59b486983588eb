// `pnpm start`: the service as production runs it (dist/main.js in a child process), plus local
// simulators of Ethoca's Outcome API and of the PSP when neither is configured, so a fresh clone
// shows an alert's whole lifecycle. Production never runs this file: its configuration demands
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
