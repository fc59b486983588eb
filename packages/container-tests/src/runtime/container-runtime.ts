import { onPath } from '../process/run-command.js';
import { findAnsweringDockerHost, wellKnownDockerHosts } from './docker-api.js';
import { installPodman, startPodmanService } from './provide-podman.js';

/** How the stage builds and inspects images, and whether it had to bring the runtime itself. */
export interface RuntimeClient {
  /** The command line client that builds and inspects images on this runtime. */
  readonly cli: 'docker' | 'podman';
  /** True when this stage installed or started it, which is when no registry is assumed. */
  readonly provided: boolean;
}

/** A Docker-compatible runtime the stage's suites can use. */
export interface ContainerRuntime extends RuntimeClient {
  /** One line for the log: what answers where, and whether this stage provided it. */
  readonly description: string;
  readonly engine: 'docker' | 'podman';
  /** What testcontainers, Compose and the Docker CLI need to find the runtime. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface Unavailable {
  readonly available: false;
  readonly reason: string;
}

export type RuntimeChoice =
  { readonly available: true; readonly runtime: ContainerRuntime } | Unavailable;

export type PreparedRuntime =
  | { readonly available: true; readonly client: RuntimeClient; readonly description: string }
  | Unavailable;

/**
 * Podman has no Ryuk image to pull where no registry answers, and its published ports are
 * reachable on loopback; without the override testcontainers would connect through the bridge
 * gateway (a 10.x address), and test traffic must stay on this machine.
 */
const podmanTestcontainersEnv = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
};

/**
 * Gets the machine ready without starting anything: a runtime that answers is left as it is;
 * otherwise podman is installed and configured where the machine allows it. This is the part of
 * the stage that needs no build of the project, so it runs while the project builds.
 */
export async function prepareContainerRuntime(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<PreparedRuntime> {
  const running = await runningRuntime(env);
  if (running !== undefined) {
    return { available: true, client: running, description: running.description };
  }
  const podman = await installPodman(log);
  if (!podman.installed) return unavailable(podman.reason);
  return {
    available: true,
    client: { cli: 'podman', provided: true },
    description:
      'podman, provided by this stage' +
      (podman.newly.length > 0 ? ` (installed ${podman.newly.join(' ')})` : ''),
  };
}

/**
 * The runtime for the stage: the one DOCKER_HOST names, else Docker's or podman's system socket
 * if one answers, else podman provided by this stage, its API served on a socket of its own. A
 * machine that has Docker is left as it is.
 */
export async function chooseContainerRuntime(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<RuntimeChoice> {
  const running = await runningRuntime(env);
  if (running !== undefined) return { available: true, runtime: running };
  const podman = await installPodman(log);
  if (!podman.installed) return unavailable(podman.reason);
  const service = await startPodmanService();
  return {
    available: true,
    runtime: {
      description: `${service.answer.engine} ${service.answer.version} at ${service.dockerHost}, provided by this stage`,
      engine: 'podman',
      provided: true,
      cli: 'podman',
      env: { DOCKER_HOST: service.dockerHost, ...podmanTestcontainersEnv },
      stop: () => service.stop(),
    },
  };
}

async function runningRuntime(
  env: Readonly<Record<string, string | undefined>>,
): Promise<ContainerRuntime | undefined> {
  const explicit = env.DOCKER_HOST;
  const found = await findAnsweringDockerHost(explicit ? [explicit] : wellKnownDockerHosts);
  if (found === undefined) {
    // A DOCKER_HOST that does not answer is somebody's decision, like TEST_DATABASE_URL: the
    // stage fails on it rather than quietly test against a runtime of its own.
    if (explicit) throw new Error(`DOCKER_HOST=${explicit} is set but no Docker API answers there`);
    return undefined;
  }
  const engine = found.answer.engine.toLowerCase().includes('podman') ? 'podman' : 'docker';
  const cli = engine === 'podman' && (await onPath('podman')) ? 'podman' : 'docker';
  return {
    description: `${found.answer.engine} ${found.answer.version} at ${found.dockerHost}`,
    engine,
    provided: false,
    cli,
    env: {
      DOCKER_HOST: found.dockerHost,
      ...(engine === 'podman' ? podmanTestcontainersEnv : {}),
    },
    stop: () => Promise.resolve(),
  };
}

function unavailable(reason: string): Unavailable {
  return {
    available: false,
    reason: `no Docker-compatible runtime answers (${wellKnownDockerHosts.join(', ')}) and none can be provided: ${reason}`,
  };
}
