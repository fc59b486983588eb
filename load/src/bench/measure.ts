import pg from 'pg';
import type { AlertTraffic } from './alert-traffic.js';
import type { CpuShare, HttpRun, Persistence } from './bench-report.js';
import type { LoadRun } from './load-run.js';
import { summarise } from './percentiles.js';
import {
  CpuMeter,
  cpuSeconds,
  postgresCpuSeconds,
  PressureMeter,
  ThreadCpuMeter,
} from './process-stats.js';

/** The figures of one autocannon run in the report's shape. */
export function httpRunFrom(run: LoadRun, connections: number): HttpRun {
  const result = run.result;
  const durationSeconds = Math.max(result.duration, 0.001);
  const responses2xx = result['2xx'];
  return {
    durationSeconds,
    connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / durationSeconds,
    responses2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: summarise(run.latencies),
  };
}

/**
 * Compares what a phase's traffic was told (acknowledged ids) with what the database holds (rows
 * whose id carries the phase's prefix). Every acknowledged alert must be a row.
 */
export async function persistenceOf(
  databaseUrl: string,
  traffic: AlertTraffic,
): Promise<Persistence> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const acknowledged = [...traffic.acknowledged];
    const rows = await client.query<{ count: string }>(
      'SELECT count(*) AS count FROM alerts WHERE alert_id LIKE $1',
      [`${traffic.prefix}%`],
    );
    const found = await client.query<{ count: string }>(
      'SELECT count(*) AS count FROM alerts WHERE alert_id = ANY($1::text[])',
      [acknowledged],
    );
    const rowCount = Number(rows.rows[0]?.count ?? 0);
    const acknowledgedFound = Number(found.rows[0]?.count ?? 0);
    return {
      acknowledged: acknowledged.length,
      rows: rowCount,
      acknowledgedWithoutRow: acknowledged.length - acknowledgedFound,
      rowsWithoutAcknowledgement: rowCount - acknowledgedFound,
      rejectedAcknowledgements: traffic.rejectedAcknowledgements,
    };
  } finally {
    await client.end();
  }
}

/** CPU of the service, PostgreSQL and the bench itself (autocannon) over one phase. */
export class PhaseCpu {
  private readonly service: CpuMeter[];
  private readonly postgres: CpuMeter;
  private readonly generator = new CpuMeter(() => cpuSeconds([process.pid]));
  private readonly cpuStall = new PressureMeter('cpu');
  private readonly ioStall = new PressureMeter('io');

  /** The threads of the service's process, when the phase has exactly one. */
  private readonly serviceThreads: ThreadCpuMeter | undefined;

  /** `servicePids`: every process of the service in this phase (none for the database ceiling). */
  constructor(servicePids: readonly number[], postgresPort: number) {
    this.service = servicePids.map((pid) => new CpuMeter(() => cpuSeconds([pid])));
    this.postgres = new CpuMeter(() => postgresCpuSeconds(postgresPort));
    const [only, ...more] = servicePids;
    this.serviceThreads =
      only !== undefined && more.length === 0 ? new ThreadCpuMeter(only) : undefined;
  }

  async start(): Promise<void> {
    await Promise.all([
      ...this.service.map((meter) => meter.start()),
      this.serviceThreads?.start(),
      this.postgres.start(),
      this.generator.start(),
      this.cpuStall.start(),
      this.ioStall.start(),
    ]);
  }

  async stop(): Promise<CpuShare> {
    const [services, serviceThreads, postgres, loadGenerator, cpuStall, ioStall] =
      await Promise.all([
        Promise.all(this.service.map((meter) => meter.stop())),
        this.serviceThreads?.stop(),
        this.postgres.stop(),
        this.generator.stop(),
        this.cpuStall.stop(),
        this.ioStall.stop(),
      ]);
    return {
      service: services.reduce((sum, used) => sum + used, 0),
      serviceBusiestProcess: Math.max(0, ...services),
      ...(serviceThreads === undefined ? {} : { serviceThreads }),
      postgres,
      loadGenerator,
      cpuStall,
      ioStall,
    };
  }
}

/** Transactions committed in the service's database so far (PostgreSQL's own statistics). */
export async function committedTransactions(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Statistics reach the shared view when a backend goes idle, at most a second late.
    const result = await client.query<{ commits: string }>(
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(result.rows[0]?.commits ?? 0);
  } finally {
    await client.end();
  }
}
