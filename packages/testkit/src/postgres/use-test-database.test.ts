import { describe, expect, inject, it } from 'vitest';
import { queryRows } from './sample-migration.fixture.js';
import { useTestDatabase } from './use-test-database.js';

const database = useTestDatabase();

describe('useTestDatabase', () => {
  it('gives the file a database cloned from the migrated template', async () => {
    const rows = await queryRows<{ name: string }>(database.url, 'SELECT name FROM merchants');
    expect(rows).toEqual([{ name: 'seed merchant' }]);
  });

  it('names the database with the run prefix so the run can clean it up', () => {
    const { databasePrefix, templateName } = inject('testPostgres');
    expect(database.name.startsWith(databasePrefix)).toBe(true);
    expect(database.name).not.toBe(templateName);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);
  });

  it('keeps writes in the file database, away from the template', async () => {
    await queryRows(database.url, `INSERT INTO merchants (id, name) VALUES (2, 'written here')`);
    const { adminUrl, templateName } = inject('testPostgres');
    const template = await queryRows<{ datistemplate: boolean; datallowconn: boolean }>(
      adminUrl,
      'SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1',
      [templateName],
    );
    expect(template).toEqual([{ datistemplate: true, datallowconn: false }]);
    const count = await queryRows<{ count: string }>(
      database.url,
      'SELECT count(*) AS count FROM merchants',
    );
    expect(count).toEqual([{ count: '2' }]);
  });
});
