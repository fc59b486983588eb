/** Where a test PostgreSQL server came from, in the order the provider tries them. */
export type TestPostgresProvider = 'url' | 'testcontainers' | 'embedded';

export const testPostgresProviders: readonly TestPostgresProvider[] = [
  'url',
  'testcontainers',
  'embedded',
];

/** A running PostgreSQL server that a test run may create and drop databases on. */
export interface TestPostgresServer {
  readonly provider: TestPostgresProvider;
  /** A superuser (or CREATEDB) connection URL to the server's maintenance database. */
  readonly adminUrl: string;
  /** The server's `server_version`, for example `17.10`. */
  readonly version: string;
  /**
   * Every database this run creates starts with this prefix, and `stop()` drops exactly the
   * databases that carry it. On a borrowed server (`TEST_DATABASE_URL`) this is what keeps the
   * run from touching anybody else's data.
   */
  readonly databasePrefix: string;
  /** The one line printed when the server was chosen, without credentials. */
  readonly description: string;
  /** Drops the run's databases and, unless the server is borrowed, shuts the server down. */
  stop(): Promise<void>;
  /**
   * Stops the PostgreSQL process while keeping its data and port, so a test can observe the
   * service with its database down. Not available for a borrowed server.
   */
  stopServer(): Promise<void>;
  /** Starts the server again after `stopServer()`, on the same port with the same data. */
  startServer(): Promise<void>;
}

export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: TestPostgresProvider,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}
