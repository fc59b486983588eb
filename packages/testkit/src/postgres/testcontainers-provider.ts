import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverVersion, withAdminClient } from './admin-client.js';
import { dropDatabasesWithPrefix } from './databases.js';
import { postgresSettingFlags } from './postgres-settings.js';
import { findFreePort } from './free-port.js';
import { ProviderUnavailableError, type TestPostgresServer } from './test-postgres-server.js';
import { withTimeout } from './timeout.js';

export const defaultPostgresImage = 'postgres:17-alpine';

export type ContainerRuntimeProbe =
  | { readonly available: true; readonly description: string }
  | { readonly available: false; readonly reason: string };

/**
 * Asks testcontainers whether a Docker-compatible runtime answers. A missing socket fails in
 * milliseconds, but a DOCKER_HOST that points at an unreachable TCP host can hang for minutes,
 * so the probe is bounded.
 */
export async function probeContainerRuntime(
  timeoutMs: number,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ContainerRuntimeProbe> {
  const where = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : 'default Docker socket';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await withTimeout(
      getContainerRuntimeClient(),
      timeoutMs,
      () => `no answer within ${timeoutMs} ms`,
    );
    const runtime = client.info.containerRuntime;
    return {
      available: true,
      description: `${runtime.operatingSystem} ${runtime.serverVersion} via ${where}`,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { available: false, reason: `no container runtime answered (${where}): ${reason}` };
  }
}

export interface ContainerServerOptions {
  readonly databasePrefix: string;
  readonly image: string;
  readonly startupTimeoutMs: number;
  /** Extra `name=value` settings passed to the server on top of the fast test settings. */
  readonly postgresSettings: readonly string[];
  /**
   * Labels for the container, so whoever owns the container runtime can find and remove what a
   * run left behind where Ryuk, testcontainers' own reaper, cannot run.
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * `TESTKIT_CONTAINER_LABEL=name=value` as container labels; unset or empty gives none.
 */
export function containerLabelsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const label = env.TESTKIT_CONTAINER_LABEL ?? '';
  if (label === '') return {};
  const separator = label.indexOf('=');
  if (separator <= 0) {
    throw new Error(`TESTKIT_CONTAINER_LABEL is "${label}"; it must be name=value`);
  }
  return { [label.slice(0, separator)]: label.slice(separator + 1) };
}

/** Starts PostgreSQL in a container through `@testcontainers/postgresql`. */
export async function startContainerServer(
  options: ContainerServerOptions,
): Promise<TestPostgresServer> {
  const [{ PostgreSqlContainer }, { Wait, getContainerRuntimeClient }] = await Promise.all([
    import('@testcontainers/postgresql'),
    import('testcontainers'),
  ]);
  const password = randomBytes(18).toString('base64url');
  // A fixed host port keeps adminUrl valid across stopServer()/startServer(); a random mapping
  // could change when the container starts again.
  const hostPort = await findFreePort();
  const started = performance.now();
  const container = await new PostgreSqlContainer(options.image)
    .withUsername('postgres')
    .withPassword(password)
    .withDatabase('postgres')
    .withExposedPorts({ container: 5432, host: hostPort })
    .withLabels({ ...options.labels })
    .withCommand(['postgres', ...postgresSettingFlags(options.postgresSettings)])
    // The module's default wait is the image health check, which never runs under podman without
    // systemd. The official image logs readiness twice: once for the temporary server that runs
    // the init scripts, and once for the real server, which is the one that matters.
    .withWaitStrategy(
      Wait.forAll([
        Wait.forLogMessage(/database system is ready to accept connections/, 2),
        Wait.forListeningPorts(),
      ]),
    )
    .withStartupTimeout(options.startupTimeoutMs)
    .start()
    .catch((error: unknown) => {
      throw new ProviderUnavailableError(
        'testcontainers',
        `the container runtime answered, but ${options.image} did not start: ${String(error)}`,
        { cause: error },
      );
    });
  const readyMs = Math.round(performance.now() - started);
  const host = container.getHost();
  const port = container.getPort();
  const adminUrl = `postgres://postgres:${password}@${host}:${port}/postgres`;
  const version = await withAdminClient(adminUrl, serverVersion).catch(async (error: unknown) => {
    await container.stop();
    throw new ProviderUnavailableError(
      'testcontainers',
      `the container started but PostgreSQL did not answer: ${String(error)}`,
      { cause: error },
    );
  });
  const runtimeContainer = async () => {
    const client = await getContainerRuntimeClient();
    return { client, handle: client.container.getById(container.getId()) };
  };

  return {
    provider: 'testcontainers',
    adminUrl,
    version,
    databasePrefix: options.databasePrefix,
    description:
      `testkit: PostgreSQL ${version} from testcontainers (${options.image}) at ${host}:${port} ` +
      `(ready in ${readyMs} ms)`,
    stop: async () => {
      await dropDatabasesWithPrefix(adminUrl, options.databasePrefix).catch(() => undefined);
      await container.stop();
    },
    stopServer: async () => {
      const { client, handle } = await runtimeContainer();
      await client.container.stop(handle, { timeout: 10 });
    },
    startServer: async () => {
      const { client, handle } = await runtimeContainer();
      await client.container.start(handle);
      await waitUntilAccepting(adminUrl, options.startupTimeoutMs);
    },
  };
}

/**
 * After a restart the data directory already exists, so the readiness line appears once instead
 * of twice; polling a real connection is the check that holds for every image.
 */
async function waitUntilAccepting(adminUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withAdminClient(adminUrl, async (client) => {
        await client.query('SELECT 1');
      });
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new Error(
          `the restarted container did not accept connections within ${timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      await sleep(100);
    }
  }
}
