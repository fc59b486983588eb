import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, type MigrateDatabase } from './databases.js';
import { startTestPostgres, type StartTestPostgresOptions } from './start-test-postgres.js';
import type { TestPostgresProvider } from './test-postgres-server.js';

/** What the global setup hands to every test file through `inject('testPostgres')`. */
export interface TestPostgresContext {
  readonly provider: TestPostgresProvider;
  readonly adminUrl: string;
  readonly version: string;
  readonly templateName: string;
  readonly databasePrefix: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testPostgres: TestPostgresContext;
  }
}

export interface PostgresGlobalSetupOptions extends StartTestPostgresOptions {
  /** Brings an empty database to the consumer's schema; run once, on the template. */
  readonly migrate: MigrateDatabase;
  /** Suffix of the template database's name after the run prefix; `template` by default. */
  readonly templateName?: string;
}

/** The part of Vitest's TestProject that the setup uses, so it can be driven without Vitest. */
export type GlobalSetupProject = Pick<TestProject, 'provide'>;

/**
 * Builds the default export of a Vitest `globalSetup` file: one server and one migrated template
 * for the whole run, shared with the test files through `provide`, and removed at the end.
 */
export function postgresGlobalSetup(
  options: PostgresGlobalSetupOptions,
): (project: GlobalSetupProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const server = await startTestPostgres(options);
    try {
      const template = await createTemplateDatabase(
        server,
        options.templateName ?? 'template',
        options.migrate,
      );
      project.provide('testPostgres', {
        provider: server.provider,
        adminUrl: server.adminUrl,
        version: server.version,
        templateName: template.name,
        databasePrefix: server.databasePrefix,
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return () => server.stop();
  };
}
