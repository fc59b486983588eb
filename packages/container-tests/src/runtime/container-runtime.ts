import { onPath } from '../process/run-command.js';
import { findAnsweringDockerHost, wellKnownDockerHosts } from './docker-api.js';
import { providePodman } from './provide-podman.js';

/** A Docker-compatible runtime the stage's suites can use. */
export interface ContainerRuntime {
  /** One line for the log: what answers where, and whether this stage provided it. */
  readonly description: string;
  readonly engine: 'docker' | 'podman';
  /** True when this stage installed or started it, which is when no registry is assumed. */
  readonly provided: boolean;
  /** The command line client that builds and inspects images on this runtime. */
  readonly cli: 'docker' | 'podman';
  /** What testcontainers, Compose and the Docker CLI need to find the runtime. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export type RuntimeChoice =
  | { readonly available: true; readonly runtime: ContainerRuntime }
  | { readonly available: false; readonly reason: string };

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
 * The runtime for the stage: the one DOCKER_HOST names, else Docker's or podman's system socket
 * if one answers, else podman provided by this stage. A machine that has Docker is left as it is.
 */
export async function chooseContainerRuntime(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<RuntimeChoice> {
  const explicit = env.DOCKER_HOST;
  const found = await findAnsweringDockerHost(explicit ? [explicit] : wellKnownDockerHosts);
  if (found !== undefined) {
    const engine = found.answer.engine.toLowerCase().includes('podman') ? 'podman' : 'docker';
    const cli = engine === 'podman' && (await onPath('podman')) ? 'podman' : 'docker';
    return {
      available: true,
      runtime: {
        description: `${found.answer.engine} ${found.answer.version} at ${found.dockerHost}`,
        engine,
        provided: false,
        cli,
        env: {
          DOCKER_HOST: found.dockerHost,
          ...(engine === 'podman' ? podmanTestcontainersEnv : {}),
        },
        stop: () => Promise.resolve(),
      },
    };
  }
  // A DOCKER_HOST that does not answer is somebody's decision, like TEST_DATABASE_URL: the stage
  // fails on it rather than quietly test against a runtime of its own.
  if (explicit) {
    throw new Error(`DOCKER_HOST=${explicit} is set but no Docker API answers there`);
  }
  const podman = await providePodman(log);
  if (!podman.provided) {
    return {
      available: false,
      reason: `no Docker-compatible runtime answers (${wellKnownDockerHosts.join(', ')}) and none can be provided: ${podman.reason}`,
    };
  }
  const { service } = podman;
  return {
    available: true,
    runtime: {
      description:
        `${service.answer.engine} ${service.answer.version} at ${service.dockerHost}, provided by this stage` +
        (podman.installed.length > 0 ? ` (installed ${podman.installed.join(' ')})` : ''),
      engine: 'podman',
      provided: true,
      cli: 'podman',
      env: { DOCKER_HOST: service.dockerHost, ...podmanTestcontainersEnv },
      stop: () => service.stop(),
    },
  };
}
