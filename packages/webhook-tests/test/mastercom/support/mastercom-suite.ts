import {
  createApp,
  createDatabase,
  createLogger,
  createMastercardSigner,
  createMetrics,
  createProducer,
  ShutdownState,
  MastercomClient,
  MastercomQueueSync,
  type DatabaseHandle,
} from '@mastercom/service';
import {
  createMockMastercom,
  generateRsaKeyPair,
  MASTERCOM_SANDBOX_URL,
  startMsw,
  useTestDatabase,
  type MockMastercom,
  type MswServer,
} from '@mastercom/testkit';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { API_TOKEN, DEFAULT_WEBHOOK } from '../../support/test-app.js';

export { API_TOKEN };

const CONSUMER_KEY = 'mastercom-suite!0123456789abcdef';

export interface MastercomSuiteOptions {
  /** Claims per page of the mock's queue reads. */
  pageSize?: number;
  /** Per-attempt timeout of the service's Mastercom client. */
  timeoutMs?: number;
  documentMaxBytes?: number;
  /** The Mastercard API key's expiry date, for the /health check. */
  keyExpiresAt?: string;
}

type App = ReturnType<typeof createApp>;
type Metrics = ReturnType<typeof createMetrics>;

export interface MastercomSuite {
  readonly app: App;
  /** The same app without a Mastercom client, as an instance without MASTERCOM_URL runs. */
  readonly appWithoutMastercom: App;
  readonly mastercom: MockMastercom;
  readonly client: MastercomClient;
  /** hot-shots in mock mode: `mockBuffer` holds every metric line the service sent. */
  readonly metrics: Metrics;
  /** A sync as a (re)started worker builds it: nothing carried over but the database. */
  newSync(): MastercomQueueSync;
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<Row[]>;
}

/**
 * The app for this file's database, with its Mastercom client talking to the mock Mastercom
 * through msw (in-process; any other outgoing request fails the test). After every test the mock
 * forgets its requests and faults but, like the file's database, keeps its claims and cases.
 */
export function useMastercomSuite(options: MastercomSuiteOptions = {}): MastercomSuite {
  const database = useTestDatabase();
  const keys = generateRsaKeyPair();
  const mastercom = createMockMastercom({
    publicKeyPem: keys.publicKeyPem,
    consumerKey: CONSUMER_KEY,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  const logger = createLogger({ level: 'silent', service: 'mastercom-service', version: 'test' });
  const metrics = createMetrics({ port: 8125, globalTags: {} });
  const client = new MastercomClient({
    baseUrl: MASTERCOM_SANDBOX_URL,
    signer: createMastercardSigner({
      consumerKey: CONSUMER_KEY,
      signingKeyPem: keys.privateKeyPem,
    }),
    timeoutMs: options.timeoutMs ?? 5000,
    maxAttempts: 4,
    backoffBaseMs: 20,
    backoffCapMs: 5000,
    logger,
  });
  let msw: MswServer | undefined;
  let handle: DatabaseHandle | undefined;
  let producer: ReturnType<typeof createProducer> | undefined;
  let inspector: pg.Pool | undefined;
  let app: App | undefined;
  let appWithoutMastercom: App | undefined;

  beforeAll(async () => {
    msw = startMsw(mastercom.mswHandlers());
    handle = createDatabase({
      url: database.url,
      poolMax: 10,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 10_000,
    });
    producer = createProducer(database.url);
    producer.on('error', () => undefined);
    await producer.start();
    inspector = new pg.Pool({ connectionString: database.url, max: 2 });
    const deps = {
      db: handle.db,
      queue: producer,
      shutdown: new ShutdownState(),
      logger,
      metrics,
      version: 'mastercom-suite',
      webhook: DEFAULT_WEBHOOK,
      apiTokens: [{ role: 'admin' as const, token: API_TOKEN }],
    };
    app = createApp({
      ...deps,
      mastercom: {
        client,
        ...(options.documentMaxBytes === undefined
          ? {}
          : { documentMaxBytes: options.documentMaxBytes }),
        keyExpiresAt: options.keyExpiresAt,
      },
    });
    appWithoutMastercom = createApp(deps);
  });

  afterEach(() => {
    mastercom.forgetRequests();
    metrics.mockBuffer?.splice(0);
    msw?.assertNoUnhandledRequests();
  });

  afterAll(async () => {
    msw?.close();
    await producer?.stop({ graceful: false, close: true });
    await handle?.close();
    await inspector?.end();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`useMastercomSuite(): ${what} exists only between beforeAll and afterAll`);
    return value;
  };
  return {
    get app() {
      return ready(app, 'the app');
    },
    get appWithoutMastercom() {
      return ready(appWithoutMastercom, 'the app');
    },
    mastercom,
    client,
    metrics,
    newSync() {
      return new MastercomQueueSync(
        { db: ready(handle, 'the database').db, client, logger, metrics },
        { queues: ['Unworked'], lookbackDays: 30 },
      );
    },
    async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const result = await ready(inspector, 'the database').query<Row>(text, values);
      return result.rows;
    },
  };
}

/** A chargeback created today, so its 8-day document window is open. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
