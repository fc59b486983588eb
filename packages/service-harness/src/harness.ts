import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertOutcome } from '@mastercom/contracts';
import {
  generateRsaKeyPair,
  generateStandardWebhookSecret,
  startMockEthoca,
  startMockPsp,
  useTestDatabase,
  waitFor,
  type StartedMockEthoca,
  type StartedMockPsp,
} from '@mastercom/testkit';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { serviceClient, type ServiceClient } from './service-api.js';
import { killAllServices, ServiceProcess } from './service-process.js';

/** The suites' admin token: production rules apply to it (a role, 32 characters or more). */
export const API_TOKEN = 'integration-suite-operator-token-0123456789';
export const CONSUMER_KEY = 'integration-suite-consumer-key';

/**
 * Short intervals so that retries, leases and flushes happen in test time. Each file overrides
 * what its scenario needs (a tiny retry budget, a long unmatched hold, a role).
 */
export const FAST_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  SERVICE_ROLE: 'all',
  DATABASE_MIGRATE_ON_START: 'false',
  WORKER_CONCURRENCY: '4',
  PSP_TIMEOUT_MS: '5000',
  ETHOCA_TIMEOUT_MS: '2000',
  OUTCOME_FLUSH_INTERVAL_MS: '100',
  OUTCOME_BACKOFF_BASE_MS: '50',
  OUTCOME_BACKOFF_CAP_MS: '500',
  OUTCOME_LEASE_MS: '4000',
  UNMATCHED_HOLD_MINUTES: '0',
  REFUND_CEILINGS: 'USD=500,EUR=500,GBP=400,CAD=650,AUD=750,JPY=75000',
  SHUTDOWN_GRACE_MS: '2000',
};

export type AlertStatusName =
  | 'RECEIVED'
  | 'MATCHED'
  | 'UNMATCHED'
  | 'REFUND_REQUESTED'
  | 'ACTIONED'
  | 'OUTCOME_PENDING'
  | 'OUTCOME_SENT'
  | 'OUTCOME_FAILED';

export interface Harness {
  readonly databaseUrl: string;
  readonly ethoca: StartedMockEthoca;
  readonly psp: StartedMockPsp;
  readonly hmacSecret: string;
  /** The environment a service of this file starts with, `overrides` applied last. */
  env(overrides?: Readonly<Record<string, string>>): Record<string, string>;
  /** Starts `node dist/main.js` with `env(overrides)`; killed after the file at the latest. */
  startService(name: string, overrides?: Readonly<Record<string, string>>): Promise<ServiceProcess>;
  /** A client of whichever process `url()` names at the time of each call. */
  client(url: () => string): ServiceClient;
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<Row[]>;
  /** alertId → status for `ids`. */
  statuses(ids: readonly string[]): Promise<Map<string, AlertStatusName>>;
  /** Waits until every alert of `ids` has `status`; the failure lists the statuses it saw. */
  waitForStatus(
    ids: readonly string[],
    status: AlertStatusName,
    options: { timeoutMs: number; context?: () => string },
  ): Promise<void>;
  /** Every outcome the mock Ethoca received in a request that reached its handler, by alert. */
  outcomesSent(): Map<string, AlertOutcome[]>;
}

/**
 * Everything one integration file needs: its own database, a mock Ethoca that verifies the
 * OAuth 1.0a signature made with a key generated for this file, a mock PSP, and services started
 * from the built entry point. Call once at the top level of the file.
 */
export function useHarness(): Harness {
  const database = useTestDatabase();
  const hmacSecret = generateStandardWebhookSecret();
  let ethoca: StartedMockEthoca | undefined;
  let psp: StartedMockPsp | undefined;
  let pool: pg.Pool | undefined;
  let keyDir: string | undefined;
  let keyPath = '';

  beforeAll(async () => {
    const keys = generateRsaKeyPair();
    keyDir = await mkdtemp(join(tmpdir(), 'mastercom-integration-'));
    keyPath = join(keyDir, 'mastercard-signing-key.pem');
    // The path is a fresh temporary folder made just above, never anything a request named.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    await writeFile(keyPath, keys.privateKeyPem, { mode: 0o600 });
    ethoca = await startMockEthoca({
      publicKeyPem: keys.publicKeyPem,
      consumerKey: CONSUMER_KEY,
      host: '127.0.0.1',
      port: 0,
    });
    psp = await startMockPsp({ host: '127.0.0.1', port: 0 });
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
  });

  afterAll(async () => {
    // The services go first: they hold connections to the database and calls to the mocks.
    await killAllServices();
    await pool?.end();
    await ethoca?.close();
    await psp?.close();
    if (keyDir !== undefined) await rm(keyDir, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useHarness(): ${what} exists only inside tests`);
    return value;
  };

  const harness: Harness = {
    get databaseUrl() {
      return database.url;
    },
    get ethoca() {
      return ready(ethoca, 'the mock Ethoca');
    },
    get psp() {
      return ready(psp, 'the mock PSP');
    },
    hmacSecret,
    env(overrides = {}) {
      return {
        ...FAST_ENV,
        DATABASE_URL: database.url,
        WEBHOOK_HMAC_SECRETS: hmacSecret,
        API_TOKENS: `admin:${API_TOKEN}`,
        PSP_URL: harness.psp.url,
        ETHOCA_OUTCOME_URL: harness.ethoca.url,
        MASTERCARD_CONSUMER_KEY: CONSUMER_KEY,
        MASTERCARD_SIGNING_KEY_PEM_PATH: keyPath,
        ...overrides,
      };
    },
    startService(name, overrides = {}) {
      return ServiceProcess.start({ name, env: harness.env(overrides) });
    },
    client(url) {
      return serviceClient({ url, hmacSecret, apiToken: API_TOKEN });
    },
    async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const result = await ready(pool, 'the database pool').query<Row>(text, values);
      return result.rows;
    },
    async statuses(ids) {
      const rows = await harness.query<{ alert_id: string; status: AlertStatusName }>(
        'SELECT alert_id, status FROM alerts WHERE alert_id = ANY($1)',
        [ids],
      );
      return new Map(rows.map((row) => [row.alert_id, row.status]));
    },
    async waitForStatus(ids, status, options) {
      await waitFor(
        `${String(ids.length)} alerts to reach ${status}`,
        async () => {
          const seen = await harness.statuses(ids);
          const behind = ids.filter((id) => seen.get(id) !== status);
          if (behind.length === 0) return { done: true, value: undefined };
          const counts: Record<string, number> = {};
          for (const id of behind) {
            const key = seen.get(id) ?? 'MISSING';
            counts[key] = (counts[key] ?? 0) + 1;
          }
          return { done: false, state: counts };
        },
        {
          timeoutMs: options.timeoutMs,
          intervalMs: 100,
          ...(options.context ? { context: options.context } : {}),
        },
      );
    },
    outcomesSent() {
      const byAlert = new Map<string, AlertOutcome[]>();
      for (const request of harness.ethoca.state.received) {
        const outcomes = (request.body as { outcomes?: AlertOutcome[] } | undefined)?.outcomes;
        for (const outcome of outcomes ?? []) {
          const list = byAlert.get(outcome.alertId) ?? [];
          list.push(outcome);
          byAlert.set(outcome.alertId, list);
        }
      }
      return byAlert;
    },
  };
  return harness;
}
