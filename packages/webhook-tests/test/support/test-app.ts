import {
  createApp,
  createDatabase,
  createLogger,
  createMetrics,
  createProducer,
  ShutdownState,
  WebhookStats,
  type ApiToken,
  type DatabaseHandle,
  type Logger,
  type MastercomSettings,
  type Metrics,
  type Role,
  type WebhookSettings,
} from '@mastercom/service';
import {
  generateStandardWebhookSecret,
  standardWebhookHeaders,
  useTestDatabase,
} from '@mastercom/testkit';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';

export type App = ReturnType<typeof createApp>;
type Producer = ReturnType<typeof createProducer>;

/** The secret every suite app accepts unless a file configures its own authentication. */
export const DEFAULT_HMAC_SECRET = generateStandardWebhookSecret();

export const DEFAULT_WEBHOOK: WebhookSettings = {
  auth: { hmac: { secrets: [DEFAULT_HMAC_SECRET] } },
  allowUnauthenticated: false,
  bodyLimitBytes: 256 * 1024,
  maxAlertsPerDelivery: 50,
  maxInFlight: 128,
  memberTimeZone: 'America/New_York',
};

/** The suite's admin token, and one token of every role for the access tests. */
export const API_TOKEN = 'webhook-suite-operator-token';
export const ROLE_TOKENS = {
  read: 'webhook-suite-read-token',
  agent: 'webhook-suite-agent-token',
  ledger: 'webhook-suite-ledger-token',
  admin: API_TOKEN,
} as const satisfies Record<Role, string>;
const SUITE_TOKENS: ApiToken[] = Object.entries(ROLE_TOKENS).map(([role, token]) => ({
  role: role as Role,
  token,
}));

export interface TestAppOptions {
  webhook?: Partial<WebhookSettings>;
  apiTokens?: ApiToken[];
  poolMax?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  healthCheckTimeoutMs?: number;
  /**
   * Turns the file's database URL into the one the app connects to; the database-down file uses
   * it to put a fault proxy in between. Assertions always read the database directly.
   */
  appDatabaseUrl?: (url: string) => string | Promise<string>;
  /** Mastercom for the case and document routes; without it they answer 503 as unconfigured. */
  mastercom?: MastercomSettings;
}

export interface TestApp {
  /** The app built from the options; `build` makes more with other webhook settings. */
  readonly app: App;
  build(overrides?: { webhook?: Partial<WebhookSettings>; apiTokens?: ApiToken[] }): App;
  readonly stats: WebhookStats;
  /** Every line the app logged, as written (JSON text). */
  readonly logLines: readonly string[];
  /** Errors pg-boss reported on its own connections (expected while the database is cut). */
  readonly producerErrors: readonly unknown[];
  /** Runs SQL on the file's database directly, never through a fault proxy. */
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<Row[]>;
  readonly databaseUrl: string;
  /** The app's own query layer, for driving processing and outcome delivery in-process. */
  readonly db: DatabaseHandle['db'];
  /** The logger and metrics the app was built with, for the workers a file builds beside it. */
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Builds the service for this test file's own database: a real pool, a started pg-boss producer,
 * logs captured in memory and metrics in mock mode. Everything is closed after the file.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const database = useTestDatabase();
  const logLines: string[] = [];
  const producerErrors: unknown[] = [];
  const stats = new WebhookStats();
  let handle: DatabaseHandle | undefined;
  let producer: Producer | undefined;
  let inspector: pg.Pool | undefined;
  let app: App | undefined;
  let build: TestApp['build'] | undefined;
  let logger: Logger | undefined;
  let metrics: Metrics | undefined;

  beforeAll(async () => {
    const url = options.appDatabaseUrl ? await options.appDatabaseUrl(database.url) : database.url;
    handle = createDatabase({
      url,
      poolMax: options.poolMax ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
    });
    producer = createProducer(url);
    producer.on('error', (error: unknown) => producerErrors.push(error));
    await producer.start();
    inspector = new pg.Pool({ connectionString: database.url, max: 2 });
    logger = createLogger(
      { level: 'info', service: 'mastercom-service', version: 'webhook-tests' },
      { write: (line: string) => void logLines.push(line) },
    );
    metrics = createMetrics({ port: 8125, globalTags: {} });
    const deps = {
      db: handle.db,
      queue: producer,
      shutdown: new ShutdownState(),
      logger,
      metrics,
      version: 'webhook-tests',
      stats,
      healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? 2000,
      ...(options.mastercom === undefined ? {} : { mastercom: options.mastercom }),
    };
    build = (overrides = {}) =>
      createApp({
        ...deps,
        webhook: { ...DEFAULT_WEBHOOK, ...options.webhook, ...overrides.webhook },
        apiTokens: overrides.apiTokens ?? options.apiTokens ?? SUITE_TOKENS,
      });
    app = build();
  });

  afterAll(async () => {
    await producer?.stop({ graceful: false, close: true });
    await handle?.close();
    await inspector?.end();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`useTestApp(): ${what} exists only between beforeAll and afterAll`);
    return value;
  };
  return {
    get app() {
      return ready(app, 'the app');
    },
    build: (overrides) => ready(build, 'the app')(overrides),
    stats,
    logLines,
    producerErrors,
    async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const result = await ready(inspector, 'the database').query<Row>(text, values);
      return result.rows;
    },
    get databaseUrl() {
      return database.url;
    },
    get db() {
      return ready(handle, 'the database').db;
    },
    get logger() {
      return ready(logger, 'the logger');
    },
    get metrics() {
      return ready(metrics, 'the metrics');
    },
  };
}

/** POSTs `body` (JSON-encoded unless already bytes) signed with the default HMAC secret. */
export function deliver(
  app: App,
  body: unknown,
  options: {
    contentType?: string;
    secret?: string | string[];
    headers?: Record<string, string>;
    /** The webhook's path unless given: a variant of it, or the path with a query. */
    path?: string;
  } = {},
): request.Test {
  const bytes = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const signature = standardWebhookHeaders({
    secret: options.secret ?? DEFAULT_HMAC_SECRET,
    body: bytes,
  });
  return request(app)
    .post(options.path ?? '/api/v6/webhooks/ethoca')
    .set('content-type', options.contentType ?? 'application/json')
    .set({ ...signature, ...options.headers })
    .serialize(sendAsIs)
    .send(bytes);
}

/**
 * superagent JSON-encodes every non-string body under a JSON content type, a Buffer included
 * (as `{"type":"Buffer",...}`); the webhook must receive exactly the bytes that were signed.
 */
export function sendAsIs(body: unknown): string {
  return body as string;
}

/** GETs an operator API path with the suite's bearer token. */
export function operatorGet(app: App, path: string): request.Test {
  return request(app).get(path).set('authorization', `Bearer ${API_TOKEN}`);
}

/** POSTs `body` as JSON to an operator API path with the suite's bearer token. */
export function operatorPost(app: App, path: string, body: unknown): request.Test {
  return request(app)
    .post(path)
    .set('authorization', `Bearer ${API_TOKEN}`)
    .send(body as object);
}
