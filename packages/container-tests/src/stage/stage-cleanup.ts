import { runCommand, tryCommand } from '../process/run-command.js';
import type { StageRunNames } from './stage-run.js';

/**
 * Removes whatever one run left: its containers (testcontainers' and Compose's), networks,
 * volumes and images, the checkout's release image among them. Only that image is normally left
 * after suites that finished; after an interrupted or crashed suite this is what keeps containers
 * from running on. Returns what it removed, for the log.
 */
export async function removeStageRun(
  cli: string,
  names: StageRunNames,
  releaseImage: string,
): Promise<string[]> {
  const compose = `com.docker.compose.project=${names.composeProject}`;
  const removed: string[] = [];
  const list = async (args: string[]) =>
    (await runCommand(cli, args)).stdout.split('\n').filter(Boolean);

  const containers = [
    ...(await list(['ps', '--all', '--quiet', '--filter', `label=${names.containerLabel}`])),
    ...(await list(['ps', '--all', '--quiet', '--filter', `label=${compose}`])),
  ];
  if (containers.length > 0) {
    await runCommand(cli, ['rm', '--force', '--volumes', ...containers]);
    removed.push(`${containers.length} container(s)`);
  }
  const networks = [
    ...(await list(['network', 'ls', '--quiet', '--filter', `name=${names.network}`])),
    ...(await list(['network', 'ls', '--quiet', '--filter', `label=${compose}`])),
  ];
  if (networks.length > 0) {
    await runCommand(cli, ['network', 'rm', ...new Set(networks)]);
    removed.push(`${networks.length} network(s)`);
  }
  const volumes = await list(['volume', 'ls', '--quiet', '--filter', `label=${compose}`]);
  if (volumes.length > 0) {
    await runCommand(cli, ['volume', 'rm', '--force', ...volumes]);
    removed.push(`${volumes.length} volume(s)`);
  }
  // The release image and the images Compose built for the project (named after it) lose their
  // names. podman removes an image's untagged parents with it, and those are the next run's
  // build cache, so podman only untags them (pruneStaleBuildLayers collects them after two days);
  // Docker keeps its build cache apart from images, so there they are removed.
  const images = (await list(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).filter(
    (image) => image.includes(names.composeProject) || image === releaseImage,
  );
  // `podman untag IMAGE` alone would drop every name of the image (Compose's service image is
  // often the release image itself); naming the one name drops only that one. A name that is
  // already gone is what this wants.
  const unnamed: string[] = [];
  for (const image of images) {
    const args = cli === 'podman' ? ['untag', image, image] : ['image', 'rm', image];
    if ((await tryCommand(cli, args)).status === 0) unnamed.push(image);
  }
  if (unnamed.length > 0) removed.push(`the names ${unnamed.join(', ')}`);
  return removed;
}
