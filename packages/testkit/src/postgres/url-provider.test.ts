import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAdminClient } from './admin-client.js';
import {
  cloneDatabase,
  createTemplateDatabase,
  dropDatabase,
  uniqueDatabaseName,
} from './databases.js';
import { migrateSample, queryRows } from './sample-migration.fixture.js';
import { startTestPostgres } from './start-test-postgres.js';

const discardLine = (_line: string): void => undefined;

// The server to borrow: TEST_DATABASE_URL when the run has one, otherwise an embedded server this
// file starts for itself, so the test needs nothing from the machine it runs on.
let borrowedUrl = process.env.TEST_DATABASE_URL ?? '';
let ownServer: Awaited<ReturnType<typeof startTestPostgres>> | undefined;

beforeAll(async () => {
  if (borrowedUrl !== '') return;
  ownServer = await startTestPostgres({ env: {}, providers: ['embedded'], log: discardLine });
  borrowedUrl = ownServer.adminUrl;
});

afterAll(async () => {
  await ownServer?.stop();
});

async function databaseNames(): Promise<string[]> {
  const rows = await queryRows<{ datname: string }>(
    borrowedUrl,
    'SELECT datname FROM pg_database ORDER BY datname',
  );
  return rows.map((row) => row.datname);
}

describe('the TEST_DATABASE_URL provider', () => {
  // Databases this test creates outside the run's prefix; they must survive the run's stop().
  const bystanders = [uniqueDatabaseName('bystander_'), uniqueDatabaseName('testkit_other_')];

  afterAll(async () => {
    for (const name of bystanders) {
      await dropDatabase(borrowedUrl, name);
    }
  });

  it('borrows the server, keeps to its prefix and drops only what the run created', async () => {
    await withAdminClient(borrowedUrl, async (client) => {
      for (const name of bystanders) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      }
    });
    const before = await databaseNames();
    const lines: string[] = [];

    const server = await startTestPostgres({
      env: { TEST_DATABASE_URL: borrowedUrl },
      log: (line) => lines.push(line),
    });
    expect(server.provider).toBe('url');
    expect(server.adminUrl).toBe(borrowedUrl);
    expect(server.databasePrefix).toMatch(/^testkit_[a-z0-9]+_$/);
    expect(lines).toEqual([server.description]);
    expect(server.description).toMatch(/^testkit: PostgreSQL \d+\.\d+ from TEST_DATABASE_URL at /);

    const template = await createTemplateDatabase(server, 'template', migrateSample);
    const first = await cloneDatabase(server.adminUrl, template.name);
    const second = await cloneDatabase(server.adminUrl, template.name);
    await queryRows(first, `DELETE FROM merchants`);
    expect(await queryRows(second, 'SELECT name FROM merchants')).toEqual([
      { name: 'seed merchant' },
    ]);

    const created = (await databaseNames()).filter((name) => !before.includes(name));
    expect(created).toHaveLength(3);
    for (const name of created) {
      expect(name.startsWith(server.databasePrefix)).toBe(true);
    }

    await server.stop();

    expect(await databaseNames()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining([...bystanders, 'postgres']));
  });

  it('refuses to stop or start a server it does not own', async () => {
    const server = await startTestPostgres({
      env: { TEST_DATABASE_URL: borrowedUrl },
      log: discardLine,
    });
    try {
      await expect(server.stopServer()).rejects.toThrow(/not supported with TEST_DATABASE_URL/);
      await expect(server.startServer()).rejects.toThrow(/not supported with TEST_DATABASE_URL/);
      expect(await queryRows(borrowedUrl, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it('fails the run instead of falling back when TEST_DATABASE_URL does not connect', async () => {
    const unreachable = 'postgres://nobody:secret@127.0.0.1:1/postgres';
    const attempt = startTestPostgres({
      env: { TEST_DATABASE_URL: unreachable },
      log: discardLine,
    });
    await expect(attempt).rejects.toThrow(/TEST_DATABASE_URL is set, but connecting to/);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });
});
