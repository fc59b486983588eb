import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseNameFromUrl, withAdminClient } from './admin-client.js';
import {
  cloneDatabase,
  createTemplateDatabase,
  dropDatabase,
  type TemplateDatabase,
} from './databases.js';
import { migrateSample, queryRows } from './sample-migration.fixture.js';
import { startTestPostgres } from './start-test-postgres.js';
import type { TestPostgresServer } from './test-postgres-server.js';

const discardLine = (_line: string): void => undefined;

async function exists(path: string): Promise<boolean> {
  // The path is the data directory the server reported about itself, not outside input.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('the embedded-postgres provider', () => {
  const lines: string[] = [];
  let server: TestPostgresServer;
  let template: TemplateDatabase;
  let dataDir: string;

  beforeAll(async () => {
    const started = performance.now();
    server = await startTestPostgres({
      env: {},
      providers: ['embedded'],
      log: (line) => lines.push(line),
    });
    const readyMs = performance.now() - started;
    dataDir = /\(data in (\S+),/.exec(server.description)?.[1] ?? '';
    template = await createTemplateDatabase(server, 'template', migrateSample);
    console.log(`measured: embedded-postgres start to ready ${readyMs.toFixed(0)} ms`);
  });

  afterAll(async () => {
    await server.stop();
  });

  const databaseNames = () =>
    withAdminClient(server.adminUrl, async (client) =>
      (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map(
        (row) => row.datname,
      ),
    );

  it('prints one line naming the provider, the version, the address and the data directory', async () => {
    expect(lines).toEqual([server.description]);
    expect(server.provider).toBe('embedded');
    expect(server.version).toMatch(/^17\.\d+$/);
    expect(server.description).toMatch(
      /^testkit: PostgreSQL 17\.\d+ from embedded-postgres at 127\.0\.0\.1:\d+ \(data in \S+,/,
    );
    expect(server.description).not.toContain(new URL(server.adminUrl).password);
    expect(await exists(dataDir)).toBe(true);
  });

  it('listens on a free port rather than on the machine PostgreSQL port', () => {
    expect(new URL(server.adminUrl).port).not.toBe('5432');
  });

  it('clones the migrated template into independent databases', async () => {
    const started = performance.now();
    const first = await cloneDatabase(server.adminUrl, template.name);
    console.log(
      `measured: clone of a test database ${(performance.now() - started).toFixed(0)} ms`,
    );
    const second = await cloneDatabase(server.adminUrl, template.name);
    expect(first).not.toBe(second);

    await queryRows(first, `INSERT INTO merchants (id, name) VALUES (2, 'only in the first')`);
    await queryRows(second, `UPDATE merchants SET name = 'renamed in the second' WHERE id = 1`);

    expect(await queryRows(first, 'SELECT id, name FROM merchants ORDER BY id')).toEqual([
      { id: 1, name: 'seed merchant' },
      { id: 2, name: 'only in the first' },
    ]);
    expect(await queryRows(second, 'SELECT id, name FROM merchants ORDER BY id')).toEqual([
      { id: 1, name: 'renamed in the second' },
    ]);
  });

  it('clones the template for several files at the same time', async () => {
    // Test files start in parallel workers, so their beforeAll clones overlap.
    const urls = await Promise.all(
      [1, 2, 3].map(() => cloneDatabase(server.adminUrl, template.name)),
    );
    expect(new Set(urls).size).toBe(3);
    for (const url of urls) {
      expect(await queryRows(url, 'SELECT count(*)::int AS n FROM merchants')).toEqual([{ n: 1 }]);
    }
  });

  it('lets a session that is closing close before it drops the database', async () => {
    const url = await cloneDatabase(server.adminUrl, template.name);
    const client = new pg.Client({ connectionString: url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();

    // What a test file's teardown does: its pool is still closing when the database is dropped.
    const dropped = dropDatabase(server.adminUrl, url);
    await sleep(200);
    await client.end();
    await dropped;

    expect(errors).toEqual([]);
    expect(await databaseNames()).not.toContain(databaseNameFromUrl(url));
  });

  it('still drops a database whose sessions do not close, after giving them a second', async () => {
    const url = await cloneDatabase(server.adminUrl, template.name);
    const client = new pg.Client({ connectionString: url });
    const codes: (string | undefined)[] = [];
    client.on('error', (error: Error & { code?: string }) => codes.push(error.code));
    await client.connect();

    await dropDatabase(server.adminUrl, url);

    expect(await databaseNames()).not.toContain(databaseNameFromUrl(url));
    // The server's termination notice reaches the client that stayed; pg reports the closed
    // socket after it.
    await expect.poll(() => codes[0]).toBe('57P01');
    await client.end().catch(() => undefined);
  });

  it('stops and restarts the server on the same port with its data kept', async () => {
    const clone = await cloneDatabase(server.adminUrl, template.name);
    await server.stopServer();
    await expect(queryRows(clone, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    expect(await exists(dataDir)).toBe(true);

    await server.startServer();
    expect(await queryRows(clone, 'SELECT name FROM merchants')).toEqual([
      { name: 'seed merchant' },
    ]);
  });
});

describe('stopping the embedded-postgres provider', () => {
  it('drops the server and removes its data directory', async () => {
    const server = await startTestPostgres({ env: {}, providers: ['embedded'], log: discardLine });
    const dataDir = /\(data in (\S+),/.exec(server.description)?.[1] ?? '';
    expect(await exists(dataDir)).toBe(true);

    await server.stop();

    expect(await exists(dataDir)).toBe(false);
    await expect(
      withAdminClient(server.adminUrl, (client) => client.query('SELECT 1')),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('surfaces the server log when PostgreSQL refuses to start', async () => {
    const failure = startTestPostgres({
      env: {},
      providers: ['embedded'],
      postgresSettings: ['no_such_setting=1'],
      log: discardLine,
    });
    await expect(failure).rejects.toThrow(/unrecognized configuration parameter "no_such_setting"/);
    await expect(failure).rejects.toThrow(/--- PostgreSQL log \(last lines\) ---/);
  });
});
