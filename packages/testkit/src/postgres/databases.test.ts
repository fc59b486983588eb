import { describe, expect, it } from 'vitest';
import { databaseNameFromUrl, databaseUrl, redactUrl } from './admin-client.js';
import { cloneDatabase, dropDatabasesWithPrefix, uniqueDatabaseName } from './databases.js';

describe('database names and URLs', () => {
  it('points a server URL at another database, keeping credentials and parameters', () => {
    const url = databaseUrl('postgres://app:pw@127.0.0.1:6543/postgres?sslmode=disable', 'db_1');
    expect(url).toBe('postgres://app:pw@127.0.0.1:6543/db_1?sslmode=disable');
    expect(databaseNameFromUrl(url)).toBe('db_1');
  });

  it('hides the password in URLs meant for logs', () => {
    expect(redactUrl('postgres://app:pw@127.0.0.1:6543/postgres')).toBe(
      'postgres://app:***@127.0.0.1:6543/postgres',
    );
  });

  it('makes unique names that keep the prefix', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueDatabaseName('testkit_ab_')));
    expect(names.size).toBe(50);
    for (const name of names) {
      expect(name).toMatch(/^testkit_ab_[a-z0-9]+$/);
    }
  });

  it('rejects names PostgreSQL would truncate, before touching the server', async () => {
    const tooLong = `testkit_${'x'.repeat(60)}`;
    await expect(cloneDatabase('postgres://127.0.0.1:1/postgres', 'tpl', tooLong)).rejects.toThrow(
      /longer than PostgreSQL's 63-byte limit/,
    );
  });

  it('refuses prefixes that could match databases the run did not create', async () => {
    for (const prefix of ['', 'test', 'postgres', 'a_']) {
      await expect(
        dropDatabasesWithPrefix('postgres://127.0.0.1:1/postgres', prefix),
      ).rejects.toThrow(/not a run prefix/);
    }
  });
});
