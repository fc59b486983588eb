import { migrateDatabase } from '@mastercom/service';
import {
  databaseUrl,
  dropDatabase,
  uniqueDatabaseName,
  withAdminClient,
  type TestPostgresContext,
} from '@mastercom/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts } from './support/steering.js';
import { waitFor } from '@mastercom/testkit';

// The harness gives this file its mocks; the databases under test are created empty here, not
// cloned from the migrated template.
const h = useHarness();
const context: TestPostgresContext = inject('testPostgres');
const created: string[] = [];

async function createEmptyDatabase(): Promise<string> {
  const name = uniqueDatabaseName(context.databasePrefix);
  await withAdminClient(context.adminUrl, async (client) => {
    // template0 has nothing in it at all: no schema objects a migration could lean on.
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE template0`);
  });
  created.push(name);
  return databaseUrl(context.adminUrl, name);
}

afterAll(async () => {
  for (const name of created) await dropDatabase(context.adminUrl, name);
});

async function inspect(url: string): Promise<{
  tables: string[];
  migrations: string[];
  queues: string[];
}> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
        WHERE table_schema IN ('public', 'pgboss') AND table_name IN
          ('alerts', 'alert_events', 'merchant_transactions', 'alert_refunds', 'alert_outcomes', 'job', 'queue')
        ORDER BY 1`,
    );
    const hasMigrations = await client.query<{ present: boolean }>(
      `SELECT to_regclass('public.kysely_migration') IS NOT NULL AS present`,
    );
    const migrations = hasMigrations.rows[0]?.present
      ? (await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name'))
          .rows
      : [];
    const hasQueues = tables.rows.some((row) => row.name === 'pgboss.queue');
    const queues = hasQueues
      ? (await client.query<{ name: string }>('SELECT name FROM pgboss.queue ORDER BY name')).rows
      : [];
    return {
      tables: tables.rows.map((row) => row.name),
      migrations: migrations.map((row) => row.name),
      queues: queues.map((row) => row.name),
    };
  } finally {
    await client.end();
  }
}

function appliedLogged(service: ServiceProcess): string[][] {
  return service.output
    .filter((line) => line.stream === 'stdout' && line.text.includes('migrations applied'))
    .map((line) => (JSON.parse(line.text) as { applied: string[] }).applied);
}

const ALL_TABLES = [
  'pgboss.job',
  'pgboss.queue',
  'public.alert_events',
  'public.alert_outcomes',
  'public.alert_refunds',
  'public.alerts',
  'public.merchant_transactions',
];

describe('DATABASE_MIGRATE_ON_START on an empty database', () => {
  let url: string;
  let first: ServiceProcess;
  let firstApplied: string[][];
  let emptyState: Awaited<ReturnType<typeof inspect>>;

  beforeAll(async () => {
    url = await createEmptyDatabase();
    emptyState = await inspect(url);
    first = await h.startService('migrating', {
      DATABASE_URL: url,
      DATABASE_MIGRATE_ON_START: 'true',
    });
    firstApplied = appliedLogged(first);
  });

  it('creates every table and the processing queue before it says ready', async () => {
    expect(emptyState).toEqual({ tables: [], migrations: [], queues: [] });
    const state = await inspect(url);
    expect(state.tables).toEqual(ALL_TABLES);
    expect(state.queues).toContain('process-alert');
    expect(firstApplied).toEqual([state.migrations]);
    expect(state.migrations.length).toBeGreaterThanOrEqual(2);
  });

  it('works end to end on the schema it created', async () => {
    const [item] = steeredAlerts(15_000, 1, ['not-found']);
    await h.client(() => first.url).deliver([item!.alert]);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const { alertId } = item!.alert;
      await waitFor(
        'the alert to reach OUTCOME_SENT',
        async () => {
          const rows = await pool.query<{ status: string }>(
            'SELECT status FROM alerts WHERE alert_id = $1',
            [alertId],
          );
          const status = rows.rows[0]?.status;
          return status === 'OUTCOME_SENT'
            ? { done: true, value: undefined }
            : { done: false, state: status };
        },
        { timeoutMs: 20_000, context: () => first.outputTail() },
      );
      expect(h.ethoca.state.outcomes.get(alertId)?.outcome?.outcome).toBe('NOT_FOUND');
    } finally {
      await pool.end();
    }
  });

  it('starts again on the migrated database without applying anything, after a clean stop', async () => {
    const before = await inspect(url);
    await first.kill('SIGTERM');
    expect(first.exit).toEqual({ code: 0, signal: null });
    const second = await first.restart();
    expect(appliedLogged(second)).toEqual([]);
    expect(await inspect(url)).toEqual(before);
    await second.kill('SIGTERM');
    expect(second.exit).toEqual({ code: 0, signal: null });
  });

  it('accepts migrateDatabase() twice on a database that is already current', async () => {
    const before = await inspect(url);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await inspect(url)).toEqual(before);
  });
});

describe('migrateDatabase() on an empty database', () => {
  it('applies every migration once and nothing the second time', async () => {
    const url = await createEmptyDatabase();
    const applied = await migrateDatabase(url);
    const state = await inspect(url);
    expect(applied).toEqual(state.migrations);
    expect(state.tables).toEqual(ALL_TABLES);
    expect(state.queues).toContain('process-alert');
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await inspect(url)).toEqual(state);
  });
});
