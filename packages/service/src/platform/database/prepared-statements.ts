import { createHash } from 'node:crypto';
import {
  sql,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type RawBuilder,
} from 'kysely';
import type pg from 'pg';

/**
 * Named prepared statements, for statements so frequent that planning them each time shows (the
 * webhook's ingest runs on every delivery).
 *
 * pg sends a statement without a name as an unnamed one, which PostgreSQL parses and plans again
 * on every call. For the ingest's single statement (four CTEs, pg-boss's job insert inside) that
 * was more than half of PostgreSQL's CPU per call: measured on PostgreSQL 15 with three alerts a
 * call, 1.9 ms of backend CPU unnamed and 0.9 ms prepared. A statement opts in by starting with
 * `preparedAs(label)`; the pool below then sends it under a name, so each connection parses it
 * once and later calls send only Bind and Execute.
 *
 * Only statements whose text never changes may opt in (a batch as one `jsonRows` parameter, never
 * one `$n` parameter per row): every distinct text stays prepared on every connection for the
 * connection's life. Past `MAX_PREPARED_TEXTS` texts, a new one runs unnamed.
 * Named statements need a session of their own on the server, so a pooler in transaction mode
 * between the service and PostgreSQL must support them (PgBouncer 1.21+ with
 * max_prepared_statements), or the label must go.
 */
const MARKER = /^\/\* prepared: ([a-z][a-z0-9-]{0,39}) \*\//;
const MARKER_START = '/* prepared: ';
export const MAX_PREPARED_TEXTS = 64;

/** The comment that makes a statement named: put it first in the statement's text. */
export function preparedAs(label: string): RawBuilder<unknown> {
  const marker = `${MARKER_START}${label} */`;
  if (!MARKER.test(marker)) {
    throw new Error(
      `prepared statement label "${label}" must be a lower-case letter then up to 39 lower-case letters, digits or dashes`,
    );
  }
  return sql.raw(marker);
}

/**
 * Statement names by text. The name is the label and a hash of the text, so two texts under one
 * label get two names: with one name for both, pg would refuse the second text on a connection
 * that had prepared the first.
 */
export class StatementNames {
  readonly #names = new Map<string, string>();

  /** The name to send `text` under, or undefined when it runs unnamed. */
  nameFor(text: string): string | undefined {
    if (!text.startsWith(MARKER_START)) return undefined;
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    const label = MARKER.exec(text)?.[1];
    if (label === undefined || this.#names.size >= MAX_PREPARED_TEXTS) return undefined;
    const name = `${label}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    this.#names.set(text, name);
    return name;
  }
}

/** A pooled pg client as Kysely uses it, sending labelled statements under their names. */
class NamingClient implements PostgresPoolClient {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly names: StatementNames,
  ) {}

  // Kysely reads the backend's pid from here to cancel a running query.
  get processID(): number | undefined {
    return (this.client as { processID?: number }).processID;
  }

  query<R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    textOrCursor: string | PostgresCursor<R>,
    parameters: readonly unknown[] = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof textOrCursor !== 'string') {
      return (
        this.client as unknown as { query(cursor: PostgresCursor<R>): PostgresCursor<R> }
      ).query(textOrCursor);
    }
    const name = this.names.nameFor(textOrCursor);
    // pg only reads the values (it converts them into an array of its own).
    const values = parameters as unknown[];
    const result =
      name === undefined
        ? this.client.query(textOrCursor, values)
        : this.client.query({ name, text: textOrCursor, values });
    return result as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(destroy?: boolean): void {
    this.client.release(destroy);
  }
}

/**
 * The pool as Kysely's PostgreSQL dialect takes it. Each pg client keeps one wrapper, so Kysely's
 * per-client connection state (it keys it by the client object) lasts as long as the client does.
 */
export function namingPool(pool: pg.Pool): PostgresPool {
  const names = new StatementNames();
  const wrappers = new WeakMap<pg.PoolClient, NamingClient>();
  return {
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = new NamingClient(client, names);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
