// End-to-end check of the bench machinery on a tiny scale: `pnpm bench --quick --cpu-prof` starts
// PostgreSQL, the bare server, the built service and the mocks, runs every phase for a few
// seconds and writes its report. Timing is not asserted here (that is the bench's own job on a
// quiet machine); the report's shape and the bookkeeping of every phase are.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  benchReportSchema,
  type BenchReport,
  type HttpRun,
  type Persistence,
} from './bench-report.js';

/* eslint-disable security/detect-non-literal-fs-filename -- reads the run's own temporary report directory */

const BENCH_TIMEOUT_MS = 300_000;
let directory = '';
let output = '';
let exitCode: number | null = null;
let report: BenchReport;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bench-quick-'));
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  exitCode = await new Promise<number | null>((resolve) => {
    const child = execFile(
      process.execPath,
      [tsx, main, '--quick', '--cpu-prof', '--out', directory],
      { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        output = `${stdout}\n${stderr}`;
        resolve(error === null ? 0 : (child.exitCode ?? 1));
      },
    );
  });
  report = benchReportSchema.parse(
    JSON.parse(await readFile(join(directory, 'bench.json'), 'utf8')),
  );
}, BENCH_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Every 2xx acknowledges its delivery's alerts, and every acknowledged alert is a row. */
function expectEveryAcknowledgementPersisted(
  run: HttpRun,
  persistence: Persistence,
  alertsPerDelivery = 1,
  mustAcknowledge = true,
): void {
  expect(persistence.rejectedAcknowledgements).toBe(0);
  expect(persistence.acknowledged).toBe(run.responses2xx * alertsPerDelivery);
  expect(persistence.acknowledgedWithoutRow).toBe(0);
  expect(persistence.rows).toBe(persistence.acknowledged + persistence.rowsWithoutAcknowledgement);
  if (mustAcknowledge) expect(persistence.acknowledged).toBeGreaterThan(0);
}

describe('pnpm bench --quick', () => {
  it('completes and says where its report is', () => {
    expect(output).toContain('Verdict:');
    expect(exitCode).toBe(0);
  });

  it('writes the Markdown report, the JSON report and the SVG chart', async () => {
    const markdown = await readFile(join(directory, report.files.markdown), 'utf8');
    const svg = await readFile(join(directory, report.files.chart), 'utf8');
    expect(markdown).toContain('# Bench report (quick run');
    expect(markdown).toContain(report.machine.cpuModel);
    for (const target of report.targets) expect(markdown).toContain(target.description);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path d="M [^"]*" fill="none"/g)).toHaveLength(3);
  });

  it('names the machine and the database it measured', () => {
    expect(report.quick).toBe(true);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.postgres).toMatch(/^\d+\.\d+/);
    expect(report.machine.postgresSettings).toContain('fsync=on');
  });

  it('stores every acknowledged alert, in every phase that sends alerts', () => {
    expect(report.targets.find((target) => target.id === 'every-ack-persisted')?.measured).toBe(0);
    expectEveryAcknowledgementPersisted(report.throughput, report.throughput.persistence);
    expectEveryAcknowledgementPersisted(report.openModel, report.openModel.persistence);
    expect(report.ethocaShaped.map((run) => run.alertsPerDelivery)).toEqual([1, 25]);
    // Three seconds of 25-alert deliveries on a machine busy with the other suites may end before
    // any answer (or with 503s while the pool is saturated); the bookkeeping must hold regardless.
    for (const run of report.ethocaShaped)
      expectEveryAcknowledgementPersisted(run, run.persistence, run.alertsPerDelivery, false);
    expectEveryAcknowledgementPersisted(
      report.alertToOutcome.send,
      report.alertToOutcome.persistence,
    );
  });

  it('counts persisted alerts from the database rows and derives the ratios from them', () => {
    const { throughput, httpCeiling, databaseCeiling, ratios } = report;
    expect(throughput.persistedPerSecond).toBeCloseTo(
      throughput.persistence.rows / throughput.durationSeconds,
      6,
    );
    expect(ratios.webhookToHttpCeiling).toBeCloseTo(
      throughput.persistedPerSecond / httpCeiling.requestsPerSecond,
      6,
    );
    expect(ratios.webhookToDatabaseCeiling).toBeCloseTo(
      throughput.persistedPerSecond / databaseCeiling.insertsPerSecond,
      6,
    );
    expect(databaseCeiling.rows).toBeGreaterThan(0);
    expect(httpCeiling.responses2xx).toBe(httpCeiling.requests);
  });

  it('accounts for every alert of the outcome phase: sent, failed or still pending', () => {
    const outcome = report.alertToOutcome;
    expect(outcome.outcomeSent + outcome.outcomeFailed + outcome.pendingAtEnd).toBe(
      outcome.persistence.rows,
    );
    expect(outcome.ethocaOutcomesRecorded).toBe(outcome.outcomeSent);
    expect(outcome.transactionsRecorded).toBeGreaterThan(0);
  });

  it("times an agent's desk reads with 100,000 alerts stored, every kind and a page walk", () => {
    const desk = report.deskQueue;
    expect(desk).toMatchObject({ alerts: 100_000, waiting: 20_000 });
    for (const kind of [desk.firstPage, desk.byType, desk.byMerchant, desk.alertPage]) {
      expect(kind.count).toBe(20);
      expect(kind.p50).toBeGreaterThan(0);
    }
    // Quick mode walks 10 pages of 50 from the oldest waiting alert; none runs out first.
    expect(desk.pageWalk.count).toBe(10);
  });

  it('reports a verdict for every target, with a reason for each miss', () => {
    expect(report.targets.map((target) => target.id)).toEqual([
      'persisted-per-second',
      'service-cpu-per-alert',
      'postgres-cpu-per-alert',
      'webhook-vs-http-ceiling',
      'webhook-vs-database-ceiling',
      'every-ack-persisted',
      'ack-p99',
      'ack-p999',
      'ack-errors',
      'rss',
      'alert-to-outcome-p99',
      'desk-queue-p99',
      'desk-alert-p99',
    ]);
    expect(report.passed).toBe(report.targets.every((target) => target.pass));
    expect(report.targets.every((target) => target.pass === (target.limitedBy === undefined))).toBe(
      true,
    );
    expect(report.rss.samples).toBeGreaterThan(0);
    expect(report.rss.idleMiB).toBeGreaterThan(0);
  });

  it('prices each webhook phase per alert and per delivery, and splits the profile by stage', async () => {
    const { costs } = report;
    const runs = [report.throughput, ...report.ethocaShaped];
    expect(costs.phases.map((phase) => phase.alertsPerDelivery)).toEqual([1, 1, 25]);
    costs.phases.forEach((phase, index) => {
      const run = runs[index]!;
      const alerts = Math.max(run.persistence.rows, 1);
      expect(phase.persistedAlerts).toBe(run.persistence.rows);
      expect(phase.serviceMsPerAlert).toBeCloseTo(
        (run.cpu.service * run.durationSeconds * 1000) / alerts,
        6,
      );
      expect(phase.postgresMsPerAlert).toBeCloseTo(
        (run.cpu.postgres * run.durationSeconds * 1000) / alerts,
        6,
      );
      expect(phase.serviceMsPerDelivery).toBeCloseTo(
        phase.serviceMsPerAlert * phase.alertsPerDelivery,
        6,
      );
    });
    // --cpu-prof: each phase's window of the service's profile, split by stage.
    expect(costs.stages.map((stages) => stages.phase)).toEqual(
      costs.phases.map((phase) => phase.phase),
    );
    for (const stages of costs.stages) {
      expect(stages.sampledMs).toBeGreaterThan(0);
      expect(stages.rows.reduce((sum, row) => sum + row.share, 0)).toBeCloseTo(1, 6);
    }
    const markdown = await readFile(join(directory, report.files.markdown), 'utf8');
    const svg = await readFile(join(directory, report.files.costChart), 'utf8');
    expect(markdown).toContain('## CPU per persisted alert');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const phase of costs.phases) expect(svg).toContain(phase.phase);
  });
});
