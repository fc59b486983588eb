import { createAlert } from '@mastercom/contracts/fixtures';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deliver, useTestApp } from './support/test-app.js';

// One pooled connection, so every statement the app runs and the checks below share a session:
// pg_prepared_statements shows only the session's own statements.
const t = useTestApp({ poolMax: 1 });

interface PreparedRow {
  name: string;
  statement: string;
  executions: number;
}

async function preparedStatements(): Promise<PreparedRow[]> {
  const { rows } = await sql<PreparedRow>`
    SELECT name, statement, (generic_plans + custom_plans)::int AS executions
      FROM pg_prepared_statements WHERE from_sql = false ORDER BY name`.execute(t.db);
  return rows;
}

describe('named prepared statements on the service pool', () => {
  it('prepares the ingest once per connection and runs it for every delivery', async () => {
    const alerts = [createAlert(8101), createAlert(8102), createAlert(8103)];
    for (const alert of alerts) await deliver(t.app, alert).expect(200);

    const ingest = (await preparedStatements()).filter((row) => row.name.startsWith('ingest-'));
    expect(ingest).toHaveLength(1);
    expect(ingest[0]?.name).toMatch(/^ingest-alerts-[0-9a-f]{16}$/);
    expect(ingest[0]?.statement).toMatch(/^\/\* prepared: ingest-alerts \*\/\s+WITH incoming AS/);
    expect(ingest[0]?.executions).toBe(alerts.length);
    const stored = await t.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM alerts WHERE alert_id = ANY($1)',
      [alerts.map((alert) => alert.alertId)],
    );
    expect(stored).toEqual([{ n: alerts.length }]);
  });

  it('prepares nothing for a statement without the label', async () => {
    const before = await preparedStatements();
    const { rows } = await sql<{ n: number }>`SELECT ${41}::int + 1 AS n`.execute(t.db);
    expect(rows).toEqual([{ n: 42 }]);
    expect(await preparedStatements()).toEqual(before);
  });
});
