import pg from 'pg';

/**
 * A real migration of the kind a consumer passes in: it creates a table and a row and closes its
 * connection, so the database can become a template afterwards.
 */
export async function migrateSample(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE TABLE merchants (id integer PRIMARY KEY, name text NOT NULL)');
    await client.query(`INSERT INTO merchants (id, name) VALUES (1, 'seed merchant')`);
  } finally {
    await client.end();
  }
}

/** Runs one query on a database and returns its rows. */
export async function queryRows<T extends pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
