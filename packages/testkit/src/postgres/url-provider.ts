import { redactUrl, serverVersion, withAdminClient } from './admin-client.js';
import { dropDatabasesWithPrefix } from './databases.js';
import { ProviderUnavailableError, type TestPostgresServer } from './test-postgres-server.js';

/**
 * Borrows the server behind `TEST_DATABASE_URL`. The server belongs to somebody else, so the run
 * only ever creates databases under its own prefix and `stop()` drops exactly those.
 */
export async function borrowUrlServer(
  adminUrl: string,
  databasePrefix: string,
): Promise<TestPostgresServer> {
  const { version, mayCreateDatabases, user } = await withAdminClient(adminUrl, async (client) => {
    const role = await client.query<{ user: string; may_create: boolean }>(
      `SELECT current_user AS user, rolsuper OR rolcreatedb AS may_create
         FROM pg_roles WHERE rolname = current_user`,
    );
    return {
      version: await serverVersion(client),
      mayCreateDatabases: role.rows[0]?.may_create === true,
      user: role.rows[0]?.user ?? 'unknown',
    };
  }).catch((error: unknown) => {
    throw new ProviderUnavailableError(
      'url',
      `TEST_DATABASE_URL is set, but connecting to ${redactUrl(adminUrl)} failed: ${String(error)}`,
      { cause: error },
    );
  });
  if (!mayCreateDatabases) {
    throw new ProviderUnavailableError(
      'url',
      `TEST_DATABASE_URL connects as role "${user}", which may not create databases; ` +
        `use a superuser or run ALTER ROLE "${user}" CREATEDB`,
    );
  }
  const host = new URL(adminUrl);
  const unsupported = (operation: string) => async () => {
    await Promise.resolve();
    throw new Error(
      `${operation}() is not supported with TEST_DATABASE_URL: the server is borrowed and the ` +
        'testkit does not control its process; unset TEST_DATABASE_URL to get an embedded or container server',
    );
  };
  return {
    provider: 'url',
    adminUrl,
    version,
    databasePrefix,
    description:
      `testkit: PostgreSQL ${version} from TEST_DATABASE_URL at ${host.hostname}:${host.port || '5432'} ` +
      `(borrowed; this run's databases start with ${databasePrefix} and are dropped at the end)`,
    stop: async () => {
      await dropDatabasesWithPrefix(adminUrl, databasePrefix);
    },
    stopServer: unsupported('stopServer'),
    startServer: unsupported('startServer'),
  };
}
