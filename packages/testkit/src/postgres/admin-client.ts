import pg from 'pg';

/** How long an admin connection may take before the attempt counts as failed. */
const connectTimeoutMs = 10_000;

/**
 * Runs `work` with a short-lived admin connection and always closes it. Admin work is rare and
 * must never leave a session behind, because a session on a template database blocks cloning and
 * a session on a test database blocks dropping it.
 */
export async function withAdminClient<T>(
  connectionUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: connectionUrl,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'mastercom-testkit',
  });
  // A server that goes away mid-session (stopServer, a crash) emits 'error' on an idle client;
  // without a listener that would crash the test process instead of failing the current query.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL of `database` on the same server, with the same credentials and parameters. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The database name in a connection URL. */
export function databaseNameFromUrl(connectionUrl: string): string {
  const name = decodeURIComponent(new URL(connectionUrl).pathname.replace(/^\//, ''));
  if (name === '') {
    throw new Error('the connection URL names no database');
  }
  return name;
}

/** The same URL with the password replaced, for log lines and error messages. */
export function redactUrl(connectionUrl: string): string {
  try {
    const url = new URL(connectionUrl);
    if (url.password !== '') {
      url.password = '***';
    }
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** `server_version` without a distribution suffix, for example `17.10` or `15.20`. */
export async function serverVersion(client: pg.Client): Promise<string> {
  const result = await client.query<{ server_version: string }>('SHOW server_version');
  const full = result.rows[0]?.server_version ?? 'unknown';
  return full.split(' ')[0] ?? full;
}
