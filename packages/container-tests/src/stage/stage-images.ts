/* eslint-disable security/detect-non-literal-fs-filename -- reads the repository's Dockerfile */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseImageSource, dockerfileNodeImage, imageVariables } from '../images/image-names.js';
import { ensureLocalImages } from '../images/local-images.js';
import { pruneStaleBuildLayers } from '../images/stale-images.js';
import { repoRoot } from '../paths.js';
import type { RuntimeClient } from '../runtime/container-runtime.js';

/**
 * The image variables the suites get. With official images nothing is set, so the defaults of the
 * Dockerfile, docker-compose.yml and the test kit apply; with local images every variable that is
 * not already set names the local image. A variable set by whoever runs the stage always wins.
 */
export async function prepareStageImages(
  env: Readonly<Record<string, string | undefined>>,
  runtime: RuntimeClient,
  log: (line: string) => void,
): Promise<Record<string, string>> {
  const source = chooseImageSource(env, runtime.provided);
  if (source === 'official') {
    log(
      'images: the official ones, pulled by the runtime (CONTAINER_IMAGES=local builds them here)',
    );
    return {};
  }
  const unset = Object.values(imageVariables).filter((name) => !env[name]);
  if (unset.length === 0) {
    log('images: as configured by NODE_IMAGE, POSTGRES_IMAGE and TESTCONTAINERS_POSTGRES_IMAGE');
    return {};
  }
  const dockerfile = await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const local = await ensureLocalImages({
    cli: runtime.cli,
    node: dockerfileNodeImage(dockerfile),
    log: (line) => log(`images: ${line}`),
  });
  const pruned = await pruneStaleBuildLayers(runtime.cli);
  if (pruned > 0) log(`images: removed ${pruned} untagged build layer(s) older than two days`);
  const chosen: Record<string, string> = {
    [imageVariables.node]: local.node,
    [imageVariables.composePostgres]: local.postgres,
    [imageVariables.testcontainersPostgres]: local.postgres,
  };
  return Object.fromEntries(unset.map((name) => [name, chosen[name] ?? '']));
}
