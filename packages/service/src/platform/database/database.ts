import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { migrations } from './migrations/index.js';
import { namingPool } from './prepared-statements.js';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

// pg returns bigint (int8) as a string by default; counts in this service fit a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

// `timestamp` (without time zone) columns hold Ethoca's member-local wall-clock readings. pg would
// turn them into Dates in this process's own time zone, which the API then serialises as a shifted
// UTC instant; they are kept as the `YYYY-MM-DDThh:mm:ss.sss` wall-clock strings the schema promises.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, wallClockFromPostgres);

/** `2026-03-04 09:12:44.12` -> `2026-03-04T09:12:44.120`; anything else (infinity, BC) unchanged. */
export function wallClockFromPostgres(value: string): string {
  // eslint-disable-next-line security/detect-unsafe-regex -- fixed-width fields; matching is linear
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(value);
  if (match === null) return value;
  const [, date, time, fraction] = match;
  return `${date}T${time}.${(fraction ?? '').padEnd(3, '0').slice(0, 3)}`;
}

/**
 * The pool has short connect and statement timeouts on purpose: an unreachable or stuck database
 * must turn into a fast 503 with Retry-After, well inside Ethoca's 30 s acknowledgement budget.
 */
export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // The client-side timeout catches a server that stops answering entirely (network cut).
    query_timeout: options.statementTimeoutMs + 1000,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    application_name: 'mastercom-service',
  });
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener: one that loses its server between two statements
  // of a transaction (a reset connection while the ingest transaction prepares its next insert)
  // emitted an unhandled 'error' and took the whole process down. The transaction itself still
  // fails on its next statement, which turns into a 503, and the pool drops the broken client
  // when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });
  return {
    db,
    pool,
    // Kysely's destroy ends the pool it was given.
    close: () => db.destroy(),
  };
}

function migrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
}

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const name = failed ? ` in ${failed.migrationName}` : '';
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration failed${name}: ${message}`, {
      cause: error,
    });
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** Names of migrations this build knows about that the database has not run. */
export async function pendingMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all
    .filter((migration) => migration.executedAt === undefined)
    .map((migration) => migration.name);
}
