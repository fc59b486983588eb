// `pnpm turbo run test:containers`: the container stage. It finds or provides a Docker-compatible
// runtime, makes sure the images the suites need exist (after `containers:prepare` both are
// already done and only checked here), and runs the suites in vitest.containers.config.ts against
// them: the integration suite through the test kit's testcontainers provider, the release image
// built from the Dockerfile, and the Compose environment. On a machine that can have no runtime it
// says why and exits 0, so the rest of the gate still decides the run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chooseContainerRuntime, type ContainerRuntime } from '../runtime/container-runtime.js';
import { packageDir, repoRoot } from '../paths.js';
import { releaseImageName } from './release-image.js';
import { removeStageRun } from './stage-cleanup.js';
import { prepareStageImages } from './stage-images.js';
import { stageRunNames } from './stage-run.js';

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
const run = stageRunNames(randomBytes(4).toString('hex'));

/** Removes what this run left on the runtime, then stops the runtime if the stage started it. */
async function finish(): Promise<void> {
  try {
    const removed = await removeStageRun(runtime.cli, run, releaseImageName(repoRoot));
    if (removed.length > 0) log(`removed: ${removed.join(', ')}`);
  } finally {
    await runtime.stop();
  }
}

// A stopped turbo run (Ctrl-C, a failing sibling task) must not leave containers or the podman
// service behind; the suites' own teardown does not run when vitest is killed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void finish().finally(() => process.exit(130));
  });
}

let status = 1;
try {
  const imagesStarted = performance.now();
  const images = await prepareStageImages(process.env, runtime, log);
  const imagesTime = seconds(imagesStarted);
  const suitesStarted = performance.now();
  status = await runSuites(stageEnvironment(runtime, images, run));
  log(
    `runtime ${runtimeTime}, images ${imagesTime}, suites ${seconds(suitesStarted)}; stage ${seconds(stageStarted)}`,
  );
} finally {
  await finish();
}
process.exitCode = status;

/**
 * What the suites see: the runtime's variables where the caller has not set them (DOCKER_HOST is
 * the runtime's, which the caller either set or left to be found), the chosen image names, which
 * client and engine to use for building and inspecting, and the run whose names they use.
 */
function stageEnvironment(
  runtime: ContainerRuntime,
  images: Record<string, string>,
  run: ReturnType<typeof stageRunNames>,
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
    CONTAINER_STAGE_RUN: run.runId,
    TESTKIT_CONTAINER_LABEL: run.containerLabel,
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
