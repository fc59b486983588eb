// The rules the service image must keep. Each finding names the rule and the line, so a failing
// `pnpm test` says what to change in the Dockerfile.
import { SERVICE_NODE_FLAGS, SERVICE_TRACING_FLAGS } from '@mastercom/service/node-flags';
import {
  flag,
  parseDockerfile,
  parseKeyValues,
  substitute,
  type Dockerfile,
  type Stage,
} from './parse-dockerfile.js';

export interface Finding {
  readonly rule: string;
  readonly line: number;
  readonly message: string;
}

export interface DockerfilePolicy {
  /** Stage names in build order; the last one is the image that ships. */
  readonly stages: readonly string[];
  /** The global ARG that names the base image. */
  readonly baseImageArg: string;
  /** The only `COPY --from` sources the release stage may use: a stage and the paths it may copy. */
  readonly releaseCopySources: Readonly<Record<string, readonly string[]>>;
  readonly port: number;
  readonly healthPath: string;
  readonly command: readonly string[];
}

export const servicePolicy: DockerfilePolicy = {
  stages: ['base', 'deps', 'build', 'release'],
  baseImageArg: 'NODE_IMAGE',
  releaseCopySources: { build: ['/out', '/out/'] },
  port: 8080,
  healthPath: '/__ops/ping',
  command: ['node', ...SERVICE_TRACING_FLAGS, ...SERVICE_NODE_FLAGS, 'dist/main.js'],
};

const ROOT_USERS = new Set(['', 'root', '0']);
const INSTALLS_PACKAGES = /\b(?:npm|pnpm|yarn)\s+(?:i|install|add|ci)\b/;

export function checkDockerfile(text: string, policy: DockerfilePolicy = servicePolicy): Finding[] {
  const dockerfile = parseDockerfile(text);
  const findings: Finding[] = [];
  const report = (rule: string, line: number, message: string) =>
    findings.push({ rule, line, message });

  checkStages(dockerfile, policy, report);
  checkBaseImages(dockerfile, policy, report);

  const release = dockerfile.stages.at(-1);
  if (!release) {
    report('stages', 1, 'the Dockerfile has no FROM');
    return findings;
  }
  checkReleaseStage(release, dockerfile, policy, report);
  checkDependencyInstall(dockerfile, report);
  return findings;
}

type Report = (rule: string, line: number, message: string) => void;

function checkStages(dockerfile: Dockerfile, policy: DockerfilePolicy, report: Report) {
  for (const stage of dockerfile.stages) {
    if (stage.name === undefined) {
      report(
        'named-stages',
        stage.line,
        `stage ${stage.index} (FROM ${stage.from}) has no AS name`,
      );
    }
  }
  const names = dockerfile.stages.map((stage) => stage.name ?? `#${stage.index}`);
  if (names.join(' -> ') !== policy.stages.join(' -> ')) {
    report(
      'stages',
      dockerfile.stages[0]?.line ?? 1,
      `stages are ${names.join(' -> ')}; expected ${policy.stages.join(' -> ')}`,
    );
  }
}

function checkBaseImages(dockerfile: Dockerfile, policy: DockerfilePolicy, report: Report) {
  const stageNames = new Set<string>();
  for (const stage of dockerfile.stages) {
    const fromStage = stageNames.has(stage.from.toLowerCase());
    if (stage.name) stageNames.add(stage.name);
    if (fromStage) continue;

    // An external image: it must come from the base-image argument, whose default is pinned.
    if (stage.from !== `\${${policy.baseImageArg}}` && stage.from !== `$${policy.baseImageArg}`) {
      report(
        'base-image-arg',
        stage.line,
        `stage ${stage.name ?? stage.index} starts from ${stage.from}, not from the ${policy.baseImageArg} build argument`,
      );
    }
    const image = substitute(stage.from, dockerfile.globalArgs);
    if (image === '') {
      report(
        'base-image-arg',
        stage.line,
        `${policy.baseImageArg} has no default: declare ARG ${policy.baseImageArg}=<pinned image> before the first FROM`,
      );
    } else if (!isPinned(image)) {
      report(
        'pinned-base',
        stage.line,
        `base image ${image} is not pinned: use an explicit version tag or digest, never latest`,
      );
    }
  }
}

/** An image reference is pinned when it carries a digest or a tag other than `latest`. */
export function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon === -1) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest';
}

function checkReleaseStage(
  release: Stage,
  dockerfile: Dockerfile,
  policy: DockerfilePolicy,
  report: Report,
) {
  const users = release.instructions.filter((instruction) => instruction.keyword === 'USER');
  const finalUser = users.at(-1);
  if (!finalUser) {
    report('non-root', release.line, 'the release stage sets no USER, so it runs as root');
  } else {
    const user = (finalUser.args.split(':')[0] ?? '').trim();
    if (ROOT_USERS.has(user))
      report('non-root', finalUser.line, `the final USER is ${user || 'empty'}`);
  }

  const stageNames = new Set(dockerfile.stages.map((stage) => stage.name));
  for (const instruction of release.instructions) {
    if (instruction.keyword === 'ADD') {
      report(
        'release-copies',
        instruction.line,
        'ADD in the release stage; copy build output with COPY --from',
      );
    }
    if (instruction.keyword !== 'COPY') continue;
    const from = flag(instruction, 'from');
    if (from === undefined) {
      report(
        'release-copies',
        instruction.line,
        `COPY ${instruction.args} copies from the build context: the release stage takes only build output`,
      );
      continue;
    }
    const allowed = policy.releaseCopySources[from];
    if (!allowed) {
      report(
        'release-copies',
        instruction.line,
        `COPY --from=${from}: ${stageNames.has(from) ? 'that stage holds sources or dev dependencies' : 'not a stage of this file'}`,
      );
      continue;
    }
    const sources = (instruction.execForm ?? instruction.args.split(/\s+/)).slice(0, -1);
    for (const source of sources) {
      if (!allowed.includes(source)) {
        report(
          'release-copies',
          instruction.line,
          `COPY --from=${from} ${source}: only ${allowed.join(', ')} may ship`,
        );
      }
    }
  }

  for (const instruction of release.instructions) {
    if (instruction.keyword === 'RUN' && INSTALLS_PACKAGES.test(instruction.args)) {
      report(
        'release-copies',
        instruction.line,
        'the release stage installs npm packages; they come from the build stage',
      );
    }
  }

  const healthchecks = release.instructions.filter(
    (instruction) => instruction.keyword === 'HEALTHCHECK',
  );
  const healthcheck = healthchecks.at(-1);
  if (!healthcheck || /^NONE$/i.test(healthcheck.args)) {
    report('healthcheck', release.line, 'the release stage has no HEALTHCHECK');
  } else if (!healthcheck.args.includes(policy.healthPath)) {
    report('healthcheck', healthcheck.line, `the HEALTHCHECK does not call ${policy.healthPath}`);
  }

  const exposes = release.instructions
    .filter((instruction) => instruction.keyword === 'EXPOSE')
    .flatMap((instruction) => instruction.args.split(/\s+/));
  if (!exposes.some((port) => port.split('/')[0] === String(policy.port))) {
    report('expose', release.line, `the release stage does not EXPOSE ${policy.port}`);
  }

  const env = new Map<string, string | undefined>();
  for (const instruction of release.instructions.filter(
    (candidate) => candidate.keyword === 'ENV',
  )) {
    for (const [key, value] of parseKeyValues(instruction.args)) env.set(key, value);
  }
  if (env.get('NODE_ENV') !== 'production') {
    report('node-env', release.line, 'the release stage does not set NODE_ENV=production');
  }

  const entrypoint = release.instructions
    .filter((instruction) => instruction.keyword === 'ENTRYPOINT')
    .at(-1);
  if (!entrypoint?.execForm?.some((part) => /(^|\/)tini$/.test(part))) {
    report(
      'init',
      entrypoint?.line ?? release.line,
      'the release stage has no tini ENTRYPOINT to forward signals',
    );
  }

  const cmd = release.instructions.filter((instruction) => instruction.keyword === 'CMD').at(-1);
  if (JSON.stringify(cmd?.execForm) !== JSON.stringify(policy.command)) {
    report(
      'command',
      cmd?.line ?? release.line,
      `CMD must be the exec form ${JSON.stringify(policy.command)}`,
    );
  }

  const labels = release.instructions
    .filter((instruction) => instruction.keyword === 'LABEL')
    .flatMap((instruction) => [...parseKeyValues(instruction.args).keys()]);
  for (const label of ['org.opencontainers.image.revision', 'org.opencontainers.image.version']) {
    if (!labels.includes(label))
      report('labels', release.line, `the release stage has no ${label} label`);
  }
}

function checkDependencyInstall(dockerfile: Dockerfile, report: Report) {
  const installs = dockerfile.instructions.filter(
    (instruction) => instruction.keyword === 'RUN' && /\bpnpm\s+install\b/.test(instruction.args),
  );
  if (installs.length === 0) report('install', 1, 'no RUN pnpm install');
  for (const install of installs) {
    if (!install.args.includes('--frozen-lockfile')) {
      report('install', install.line, 'pnpm install without --frozen-lockfile');
    }
    if (
      !install.flags.some(
        (candidate) => candidate.name === 'mount' && candidate.value.includes('type=cache'),
      )
    ) {
      report('install', install.line, 'pnpm install without a --mount=type=cache store');
    }
  }
}
