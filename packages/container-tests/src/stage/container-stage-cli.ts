// `pnpm turbo run test:containers`: the container stage. It finds or provides a Docker-compatible
// runtime, makes sure the images the suites need exist, and runs the suites in
// vitest.containers.config.ts against them: the integration suite through the test kit's
// testcontainers provider, the release image built from the Dockerfile, and the Compose
// environment. On a machine that can have no runtime it says why and exits 0, so the rest of the
// gate still decides the run.
import { spawn } from 'node:child_process';
import { chooseContainerRuntime, type ContainerRuntime } from '../runtime/container-runtime.js';
import { packageDir } from '../paths.js';
import { prepareStageImages } from './stage-images.js';

const log = (line: string) => {
  console.log(`containers: ${line}`);
};
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const stageStarted = performance.now();
const choice = await chooseContainerRuntime(process.env, log);
if (!choice.available) {
  log(`skipped: ${choice.reason}`);
  log('the Docker-dependent checks did not run; the rest of the gate is unaffected');
  process.exit(0);
}
const { runtime } = choice;
const runtimeTime = seconds(stageStarted);
log(`runtime: ${runtime.description} (${runtimeTime})`);

// A stopped turbo run (Ctrl-C, a failing sibling task) must not leave the podman service behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void runtime.stop().finally(() => process.exit(130));
  });
}

let status = 1;
try {
  const imagesStarted = performance.now();
  const images = await prepareStageImages(process.env, runtime, log);
  const imagesTime = seconds(imagesStarted);
  const suitesStarted = performance.now();
  status = await runSuites(stageEnvironment(runtime, images));
  log(
    `runtime ${runtimeTime}, images ${imagesTime}, suites ${seconds(suitesStarted)}; stage ${seconds(stageStarted)}`,
  );
} finally {
  await runtime.stop();
}
process.exitCode = status;

/**
 * What the suites see: the runtime's variables where the caller has not set them (DOCKER_HOST is
 * the runtime's, which the caller either set or left to be found), the chosen image names, and
 * which client and engine to use for building and inspecting.
 */
function stageEnvironment(
  runtime: ContainerRuntime,
  images: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(runtime.env)) {
    if (name === 'DOCKER_HOST' || !env[name]) env[name] = value;
  }
  return {
    ...env,
    ...images,
    CONTAINER_CLI: runtime.cli,
    CONTAINER_ENGINE: runtime.engine,
  };
}

async function runSuites(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(
    'pnpm',
    ['exec', 'vitest', 'run', '--config', 'vitest.containers.config.ts'],
    {
      cwd: packageDir,
      env,
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => {
    child.on('error', () => {
      resolve(1);
    });
    child.on('close', (code) => {
      resolve(code ?? 1);
    });
  });
}
