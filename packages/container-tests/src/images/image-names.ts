// Which images the stage runs. Image names are configuration: each variable below, when set, is
// used as it is. Unset, a machine with a registry gets the official images (the defaults of the
// Dockerfile, docker-compose.yml and the test kit), and a machine without one gets the images this
// package builds locally under localhost/mastercom/.

/** The variables that name images, and where each one is read. */
export const imageVariables = {
  /** The Dockerfile's base image argument, passed by Compose too. */
  node: 'NODE_IMAGE',
  /** docker-compose.yml's PostgreSQL service. */
  composePostgres: 'POSTGRES_IMAGE',
  /** The test kit's testcontainers provider. */
  testcontainersPostgres: 'TESTCONTAINERS_POSTGRES_IMAGE',
} as const;

/** The official Node image the Dockerfile names by default, and what a local stand-in must match. */
export interface NodeImage {
  readonly image: string;
  readonly nodeVersion: string;
  /** The Debian release the official image is built on, for example `bookworm`. */
  readonly release: string;
}

/**
 * Reads the default of the Dockerfile's `ARG NODE_IMAGE=node:<version>-<release>-slim`, so the
 * local stand-in has the same Node release on the same Debian release as the image it replaces.
 */
export function dockerfileNodeImage(dockerfile: string): NodeImage {
  const image = /^ARG NODE_IMAGE=(\S+)\s*$/m.exec(dockerfile)?.[1];
  const tag = image === undefined ? undefined : /^node:(\d+\.\d+\.\d+)-([a-z]+)-slim$/.exec(image);
  if (image === undefined || tag?.[1] === undefined || tag[2] === undefined) {
    throw new Error(
      `the Dockerfile's ARG NODE_IMAGE default is not of the form node:<x.y.z>-<release>-slim (found ${image ?? 'none'})`,
    );
  }
  return { image, nodeVersion: tag[1], release: tag[2] };
}

/** The names of the images this package builds. */
export const localImageNames = {
  debian: (release: string) => `localhost/mastercom/debian:${release}-minbase`,
  node: (node: NodeImage) => `localhost/mastercom/node:${node.nodeVersion}-${node.release}-slim`,
  /** Tagged with the server's major.minor, as the official postgres images are. */
  postgres: (serverVersion: string) =>
    `localhost/mastercom/postgres:${serverVersion.split('.').slice(0, 2).join('.')}`,
};

export type ImageSource = 'local' | 'official';

/**
 * `local` where this stage had to provide the runtime itself, which is the machine without a
 * registry; `official` where a runtime already answered. CONTAINER_IMAGES=local|official decides
 * instead when set.
 */
export function chooseImageSource(
  env: Readonly<Record<string, string | undefined>>,
  runtimeProvided: boolean,
): ImageSource {
  const chosen = env.CONTAINER_IMAGES;
  if (chosen === 'local' || chosen === 'official') return chosen;
  if (chosen !== undefined && chosen !== '') {
    throw new Error(`CONTAINER_IMAGES is "${chosen}"; it may be local or official`);
  }
  return runtimeProvided ? 'local' : 'official';
}
