import { createAlert } from '@mastercom/contracts/fixtures';
import pg from 'pg';
import type { CpuShare } from './bench-report.js';
import type { Progress } from './load-run.js';
import type { PhaseCpu } from './measure.js';

export interface DatabaseCeiling {
  readonly insertsPerSecond: number;
  readonly rows: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly cpu: CpuShare;
}

/**
 * The database ceiling: single-row INSERTs, each its own commit, from `connections` concurrent
 * clients for `durationSeconds`, on the server the service uses. The row carries an alert's JSON
 * like the service's alerts table does. This is what a service without group commit could reach
 * at best on this server; rows are counted in the table afterwards, not trusted from the loop.
 */
export async function measureDatabaseCeiling(
  databaseUrl: string,
  connections: number,
  durationSeconds: number,
  cpu: PhaseCpu,
  progress: Progress,
): Promise<DatabaseCeiling> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  try {
    await pool.query(`
      CREATE TABLE IF NOT EXISTS bench_single_inserts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id text NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await pool.query('TRUNCATE bench_single_inserts');
    const payloads = Array.from({ length: 64 }, (_unused, seed) =>
      JSON.stringify(createAlert(seed)),
    );
    // Every connection is opened before the clock starts, and the CPU of the backends is read
    // before the pool closes them, so the phase measures inserts, not connection set-up.
    const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
    for (const client of clients) client.release();
    await cpu.start();
    let next = 0;
    const started = performance.now();
    const deadline = started + durationSeconds * 1000;
    const ticker = setInterval(() => {
      progress(
        `  database ceiling: ${((performance.now() - started) / 1000).toFixed(0)} s / ${durationSeconds} s, ${next.toLocaleString('en')} inserts`,
      );
    }, 1000);
    const worker = async () => {
      while (performance.now() < deadline) {
        const index = next;
        next += 1;
        await pool.query('INSERT INTO bench_single_inserts (alert_id, payload) VALUES ($1, $2)', [
          `ceiling-${index}`,
          payloads[index % payloads.length],
        ]);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    clearInterval(ticker);
    const elapsed = (performance.now() - started) / 1000;
    const cpuShare = await cpu.stop();
    const counted = await pool.query<{ rows: string }>(
      'SELECT count(*) AS rows FROM bench_single_inserts',
    );
    const rows = Number(counted.rows[0]?.rows ?? 0);
    return {
      insertsPerSecond: rows / elapsed,
      rows,
      connections,
      durationSeconds: elapsed,
      cpu: cpuShare,
    };
  } finally {
    await pool.end();
  }
}
