// scripts/smoke-image.sh IMAGE: the release image's smoke test (image-smoke.ts) on whatever
// Docker-compatible runtime this machine has: Docker on a pipeline agent, podman here (started
// for the run and stopped after it when nothing was answering).
import { parseArgs } from 'node:util';
import { chooseContainerRuntime } from '../runtime/container-runtime.js';
import { smokeTestImage } from './image-smoke.js';

const usage = 'usage: scripts/smoke-image.sh IMAGE';
const log = (line: string) => {
  console.log(line);
};

function imageArgument(): string {
  try {
    const { positionals } = parseArgs({ allowPositionals: true, options: {} });
    const [only] = positionals;
    if (only === undefined || positionals.length !== 1) throw new Error('name exactly one image');
    return only;
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
const image = imageArgument();

const choice = await chooseContainerRuntime(process.env, log);
if (!choice.available) {
  // Unlike the container stage, the smoke test never passes unrun: an image nobody ran is not
  // pushed.
  console.error(`smoke: cannot run ${image}: ${choice.reason}`);
  process.exit(1);
}
const { runtime } = choice;
log(`smoke: ${image} on ${runtime.description}`);
try {
  const result = await smokeTestImage({
    cli: runtime.cli,
    image,
    env: { ...process.env, ...runtime.env },
    label:
      process.env.TESTKIT_CONTAINER_LABEL === '' ? undefined : process.env.TESTKIT_CONTAINER_LABEL,
    log,
  });
  log(
    `smoke: passed (start ${result.startSeconds.toFixed(1)} s, round trip ${result.roundTripSeconds.toFixed(1)} s)`,
  );
} catch (error) {
  console.error(`smoke: FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await runtime.stop();
}
