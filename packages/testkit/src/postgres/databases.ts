import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { databaseNameFromUrl, databaseUrl, withAdminClient } from './admin-client.js';
import type { TestPostgresServer } from './test-postgres-server.js';

/** PostgreSQL silently truncates longer identifiers, which would make a later DROP miss. */
const maxIdentifierBytes = 63;
/** How long sessions that a migration left behind may take to disappear on their own. */
const drainTimeoutMs = 5_000;
/**
 * How long a database about to be dropped gives its sessions to close on their own. pg's
 * `pool.end()` resolves before its connections are closed, and a client that is closing has no
 * error listener any more: terminated by `DROP ... WITH (FORCE)` in that moment, it throws an
 * uncaught 57P01 into the test run. A closing session is gone within milliseconds.
 */
const dropDrainTimeoutMs = 1_000;
/** The SQLSTATE PostgreSQL uses for "source database is being accessed by other users". */
const objectInUse = '55006';

export interface TemplateDatabase {
  readonly name: string;
  readonly url: string;
}

/** A migration supplied by the consumer; the testkit knows nothing about any schema. */
export type MigrateDatabase = (databaseUrl: string) => Promise<void>;

/** `prefix` followed by random characters that are valid in an unquoted identifier. */
export function uniqueDatabaseName(prefix: string): string {
  return checkedName(`${prefix}${randomBytes(6).readUIntBE(0, 6).toString(36)}`);
}

/**
 * Creates `server.databasePrefix + name`, runs `migrate` against it and turns it into a template
 * that accepts no connections, so that any number of clones can be taken from it concurrently.
 */
export async function createTemplateDatabase(
  server: Pick<TestPostgresServer, 'adminUrl' | 'databasePrefix'>,
  name: string,
  migrate: MigrateDatabase,
): Promise<TemplateDatabase> {
  const templateName = checkedName(`${server.databasePrefix}${name}`);
  const url = databaseUrl(server.adminUrl, templateName);
  await withAdminClient(server.adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(templateName)}`);
  });
  try {
    await migrate(url);
  } catch (error) {
    await dropDatabase(server.adminUrl, templateName).catch(() => undefined);
    throw new Error(`the migration of template database ${templateName} failed`, {
      cause: error,
    });
  }
  await withAdminClient(server.adminUrl, async (client) => {
    const quoted = client.escapeIdentifier(templateName);
    // CREATE DATABASE ... TEMPLATE refuses to copy a database that has sessions. Forbidding new
    // connections first means nothing can reconnect while the migration's sessions wind down.
    await client.query(`ALTER DATABASE ${quoted} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    await closeSessions(client, templateName);
  });
  return { name: templateName, url };
}

/**
 * Creates a fresh database as a copy of `templateName` and returns its URL. Without `newName`
 * the copy is called `templateName` plus a random suffix, so it keeps the run's prefix.
 */
export async function cloneDatabase(
  adminUrl: string,
  templateName: string,
  newName: string = uniqueDatabaseName(`${templateName}_`),
): Promise<string> {
  const name = checkedName(newName);
  await withAdminClient(adminUrl, async (client) => {
    const sql = `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(templateName)}`;
    // A session that is still closing on the template makes CREATE DATABASE fail at once rather
    // than wait; a few short retries cover a backend that exits a moment later.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        if (sqlState(error) !== objectInUse || attempt >= 20) {
          throw error;
        }
        await sleep(100);
      }
    }
  });
  return databaseUrl(adminUrl, name);
}

/**
 * Drops one database, given by name or by its connection URL, even while sessions are still
 * connected to it. A database that does not exist is not an error: teardown may run twice.
 */
export async function dropDatabase(adminUrl: string, nameOrUrl: string): Promise<void> {
  const name = nameOrUrl.includes('://') ? databaseNameFromUrl(nameOrUrl) : nameOrUrl;
  await withAdminClient(adminUrl, async (client) => {
    await dropWithClient(client, name);
  });
}

/**
 * Drops every database whose name starts with `prefix` and returns their names. The prefix must
 * look like a run prefix, so a mistake can never widen the match to other people's databases.
 */
export async function dropDatabasesWithPrefix(adminUrl: string, prefix: string): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]{5,}_$/.test(prefix)) {
    throw new Error(`refusing to drop databases by the prefix "${prefix}": it is not a run prefix`);
  }
  return withAdminClient(adminUrl, async (client) => {
    const result = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname',
      [prefix],
    );
    const names = result.rows.map((row) => row.datname);
    for (const name of names) {
      await dropWithClient(client, name);
    }
    return names;
  });
}

async function dropWithClient(client: pg.Client, name: string): Promise<void> {
  const quoted = client.escapeIdentifier(name);
  const found = await client.query<{ datistemplate: boolean }>(
    'SELECT datistemplate FROM pg_database WHERE datname = $1',
    [name],
  );
  const row = found.rows[0];
  if (row === undefined) {
    return;
  }
  await waitForSessionsToEnd(client, name, dropDrainTimeoutMs);
  // PostgreSQL refuses to drop a database that is marked as a template.
  if (row.datistemplate) {
    await client.query(`ALTER DATABASE ${quoted} WITH IS_TEMPLATE false`);
  }
  await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
}

/**
 * Waits for the sessions on `database` to end and terminates whatever is left after the drain
 * timeout. A pool that the migration forgot to close would otherwise block every clone.
 */
async function closeSessions(client: pg.Client, database: string): Promise<void> {
  if (!(await waitForSessionsToEnd(client, database, drainTimeoutMs))) {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
  }
}

/** Whether every other session on `database` ended within `timeoutMs`. */
async function waitForSessionsToEnd(
  client: pg.Client,
  database: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sessions = await client.query<{ count: string }>(
      'SELECT count(*) AS count FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    if (sessions.rows[0]?.count === '0') return true;
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
}

function checkedName(name: string): string {
  if (Buffer.byteLength(name) > maxIdentifierBytes) {
    throw new Error(
      `database name "${name}" is longer than PostgreSQL's ${maxIdentifierBytes}-byte limit`,
    );
  }
  return name;
}

function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
