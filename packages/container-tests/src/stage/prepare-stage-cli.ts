// `containers:prepare`, the first half of the container stage: podman installed and configured
// where no runtime answers, and the images the suites need built where no registry is assumed.
// None of it needs the project built, so turbo runs it at once, beside the builds and the code
// checks; `test:containers` then finds everything ready. It starts nothing that outlives it.
import { prepareContainerRuntime } from '../runtime/container-runtime.js';
import { prepareStageImages } from './stage-images.js';

const log = (line: string) => {
  console.log(`containers: ${line}`);
};
const started = performance.now();
const prepared = await prepareContainerRuntime(process.env, log);
if (!prepared.available) {
  log(`nothing to prepare: ${prepared.reason}`);
} else {
  log(`runtime: ${prepared.description}`);
  await prepareStageImages(process.env, prepared.client, log);
  log(`prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
