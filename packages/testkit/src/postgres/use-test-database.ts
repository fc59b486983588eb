import { afterAll, beforeAll, inject } from 'vitest';
import { cloneDatabase, dropDatabase, uniqueDatabaseName } from './databases.js';
import type { TestPostgresContext } from './vitest-global-setup.js';

export interface TestDatabase {
  /** The fresh database's connection URL; readable from `beforeAll` on. */
  readonly url: string;
  readonly name: string;
}

/**
 * Gives the calling test file its own database, cloned from the run's migrated template before
 * the file's tests and dropped after them. Call it once at the top level of the file.
 */
export function useTestDatabase(): TestDatabase {
  const context = inject('testPostgres') as TestPostgresContext | undefined;
  if (context === undefined) {
    throw new Error(
      'useTestDatabase(): no test PostgreSQL was provided. Add a globalSetup file whose default ' +
        "export is postgresGlobalSetup({ migrate }) from '@mastercom/testkit' to this package's vitest config.",
    );
  }
  let current: { name: string; url: string } | undefined;

  beforeAll(async () => {
    const name = uniqueDatabaseName(context.databasePrefix);
    current = { name, url: await cloneDatabase(context.adminUrl, context.templateName, name) };
  });

  afterAll(async () => {
    if (current !== undefined) {
      await dropDatabase(context.adminUrl, current.name);
      current = undefined;
    }
  });

  const created = () => {
    if (current === undefined) {
      throw new Error(
        'useTestDatabase(): the database exists only between beforeAll and afterAll; read it inside tests or hooks',
      );
    }
    return current;
  };
  return {
    get url() {
      return created().url;
    },
    get name() {
      return created().name;
    },
  };
}
