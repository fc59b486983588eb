import { runCommand } from '../process/run-command.js';
import { contentKeyLabel } from './local-images.js';

/** Untagged build layers older than this are removed. */
const keepFor = '48h';

/**
 * Every build of the project's Dockerfile on a local base leaves untagged layers behind, about a
 * gigabyte for each commit built, so on a machine that runs the stage for every change the disk
 * would only fill. The layers carry the base image's content key label (labels are inherited), so
 * exactly those are pruned once untagged and two days old; layers a newer build still stands on
 * are kept, and nothing that another project built is touched. Returns how many were removed.
 */
export async function pruneStaleBuildLayers(cli: string): Promise<number> {
  const pruned = await runCommand(cli, [
    'image',
    'prune',
    '--force',
    '--filter',
    `label=${contentKeyLabel}`,
    '--filter',
    `until=${keepFor}`,
  ]);
  return pruned.stdout.split('\n').filter((line) => /^(sha256:)?[0-9a-f]{12,}$/.test(line.trim()))
    .length;
}
