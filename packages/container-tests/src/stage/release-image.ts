// The project's release image as the stage builds it: the Dockerfile's `release` target, as
// scripts/build-image.sh builds it, on the stage's Node image where one is configured. It needs
// nothing built on the host, so `containers:prepare` builds it while the project builds, and the
// suites build it again, which the layer cache turns into seconds, so they always check the
// checkout's current source.
import { createHash } from 'node:crypto';
import { runCommand } from '../process/run-command.js';

/**
 * One name per checkout, the same in both tasks of the stage and never shared by two checkouts
 * on one machine, so concurrent stages cannot test each other's image.
 */
export function releaseImageName(repoRoot: string): string {
  const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  return `localhost/mastercom-service:stage-${checkout}`;
}

export interface ReleaseImageBuild {
  /** `podman` or `docker`. */
  readonly cli: string;
  readonly repoRoot: string;
  /** The Dockerfile's NODE_IMAGE; undefined keeps the Dockerfile's default. */
  readonly nodeImage: string | undefined;
}

/** Builds the release image; returns its name, the revision it carries and the seconds taken. */
export async function buildReleaseImage(
  build: ReleaseImageBuild,
): Promise<{ image: string; revision: string; seconds: number }> {
  const started = performance.now();
  const image = releaseImageName(build.repoRoot);
  const revision = (
    await runCommand('git', ['rev-parse', 'HEAD'], { cwd: build.repoRoot })
  ).stdout.trim();
  await runCommand(
    build.cli,
    [
      'build',
      // podman's default OCI format drops HEALTHCHECK; the Docker format keeps it.
      ...(build.cli === 'podman' ? ['--format', 'docker'] : []),
      '--network',
      'host',
      '--target',
      'release',
      '--build-arg',
      `REVISION=${revision}`,
      '--build-arg',
      'VERSION=0.0.0-stage',
      ...(build.nodeImage ? ['--build-arg', `NODE_IMAGE=${build.nodeImage}`] : []),
      // buildah 1.28 (podman 4.3) reuses a cached LABEL step whatever the value of the build
      // argument in it, so the image would carry an earlier build's revision; a label given here
      // is set when the image is committed, never from the cache.
      ...(build.cli === 'podman'
        ? ['--label', `org.opencontainers.image.revision=${revision}`]
        : []),
      '--tag',
      image,
      '.',
    ],
    { cwd: build.repoRoot },
  );
  return { image, revision, seconds: (performance.now() - started) / 1000 };
}
