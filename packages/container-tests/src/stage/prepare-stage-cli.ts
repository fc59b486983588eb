// `containers:prepare`, the first half of the container stage: podman installed and configured
// where no runtime answers, the base images built where no registry is assumed, and the release
// image built on them. None of it needs the project built on the host, so turbo runs it at once,
// beside the builds and the code checks; `test:containers` then finds everything ready. It starts
// nothing that outlives it.
import { repoRoot } from '../paths.js';
import { prepareContainerRuntime } from '../runtime/container-runtime.js';
import { buildReleaseImage } from './release-image.js';
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
  const images = await prepareStageImages(process.env, prepared.client, log);
  const release = await buildReleaseImage({
    cli: prepared.client.cli,
    repoRoot,
    nodeImage: images.NODE_IMAGE ?? process.env.NODE_IMAGE,
  });
  log(`release image ${release.image} built in ${release.seconds.toFixed(1)} s`);
  log(`prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
