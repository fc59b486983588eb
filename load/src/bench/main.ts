// `pnpm bench`: the local performance bench. One run on one machine measures the HTTP ceiling (a
// bare Express route), the database ceiling (single-row INSERT commits), the service's persisted
// alerts per second and acknowledgement latency, and alert-to-outcome latency, then prints a table
// and writes a Markdown + JSON + SVG report under load/reports/bench/. `--quick` shortens every
// phase to a few seconds to check the machinery, and then only a lost acknowledged alert fails it.
// `--cpu-prof` adds a V8 CPU profile of each service process to the report directory (open it in
// Chrome DevTools); profiling slows the service, so its figures are not comparable with a plain run.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  databaseUrl,
  generateStandardWebhookSecret,
  startTestPostgres,
  withAdminClient,
} from '@mastercom/testkit';
import { AlertTraffic } from './alert-traffic.js';
import { benchReportSchema, type BenchReport } from './bench-report.js';
import { startBareServer } from './child-processes.js';
import { measureDatabaseCeiling } from './database-ceiling.js';
import { costChartSvg } from './cpu-profile/cost-chart.js';
import { costTableOf } from './cpu-profile/phase-costs.js';
import { latencyChartSvg } from './latency-chart.js';
import { runLoad } from './load-run.js';
import { httpRunFrom, PhaseCpu } from './measure.js';
import { percentileCurve } from './percentiles.js';
import { consoleTable, machineLine, writeReport } from './report-writer.js';
import { measureAlertToOutcome } from './phases/alert-to-outcome.js';
import { DESK_ALERTS, measureDeskQueue } from './phases/desk-queue.js';
import { SERVICE_SETTINGS, type BenchSettings } from './phases/service-context.js';
import { measureWebRole } from './phases/web-role.js';
import { BENCH_TARGETS, evaluateTargets, ratios } from './targets.js';

const USAGE = 'usage: pnpm bench [--quick] [--cpu-prof] [--out DIR]';
function readFlags() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        'cpu-prof': { type: 'boolean', default: false },
        out: { type: 'string', default: 'reports/bench' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = readFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const settings: BenchSettings = values.quick
  ? {
      quick: true,
      phaseSeconds: 3,
      warmupSeconds: 1,
      connections: 20,
      openModelRate: BENCH_TARGETS.openModelRate,
      openModelConnections: 100,
      outcomeRate: BENCH_TARGETS.outcomeRate,
      outcomeConnections: 50,
      drainTimeoutSeconds: 30,
      cpuProfile: values['cpu-prof'],
    }
  : {
      quick: false,
      phaseSeconds: 10,
      warmupSeconds: 3,
      connections: 20,
      openModelRate: BENCH_TARGETS.openModelRate,
      openModelConnections: 100,
      outcomeRate: BENCH_TARGETS.outcomeRate,
      outcomeConnections: 50,
      drainTimeoutSeconds: 60,
      cpuProfile: values['cpu-prof'],
    };

/**
 * The bench measures what production commits cost, so the testkit's fast test settings (fsync
 * off) are switched back to PostgreSQL's durable defaults; the service and the database ceiling
 * then pay the same fsync per commit that they would in production.
 */
const POSTGRES_SETTINGS = [
  'fsync=on',
  'synchronous_commit=on',
  'full_page_writes=on',
  'max_connections=200',
];

const reportDir = resolve(values.out);
const started = performance.now();
const progress = (line: string) => {
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
};

const loadAverageBefore = loadavg();
progress(`bench ${settings.quick ? '(quick) ' : ''}writing to ${reportDir}`);

// A DogStatsD sink: the service sends its metrics over UDP as it does to the agent in production.
const statsd = createSocket('udp4');
statsd.on('message', () => undefined);
await new Promise<void>((resolveBind) => statsd.bind(0, '127.0.0.1', resolveBind));
const statsdPort = statsd.address().port;

const server = await startTestPostgres({
  providers: ['embedded'],
  postgresSettings: POSTGRES_SETTINGS,
  log: progress,
});
let exitCode = 1;
try {
  const postgresPort = Number(new URL(server.adminUrl).port);
  const webDatabase = `${server.databasePrefix}bench_web`;
  const outcomeDatabase = `${server.databasePrefix}bench_outcome`;
  const deskDatabase = `${server.databasePrefix}bench_desk`;
  const postgresSettings = await withAdminClient(server.adminUrl, async (client) => {
    await client.query(`CREATE DATABASE "${webDatabase}"`);
    await client.query(`CREATE DATABASE "${outcomeDatabase}"`);
    await client.query(`CREATE DATABASE "${deskDatabase}"`);
    const shown: string[] = [];
    for (const name of [
      'fsync',
      'synchronous_commit',
      'full_page_writes',
      'max_connections',
      'shared_buffers',
    ]) {
      const result = await client.query<Record<string, string>>(`SHOW ${name}`);
      shown.push(`${name}=${Object.values(result.rows[0] ?? {})[0] ?? '?'}`);
    }
    return shown;
  });
  const secret = generateStandardWebhookSecret();
  const apiToken = `bench-${randomBytes(16).toString('hex')}`;

  progress(
    `HTTP ceiling: bare Express 5 route, ${settings.connections} connections, ${settings.phaseSeconds} s`,
  );
  const bare = await startBareServer();
  let httpCeiling: BenchReport['httpCeiling'];
  let httpLatencies: number[];
  try {
    const traffic = new AlertTraffic(secret, Date.now());
    const cpu = new PhaseCpu([bare.pid], postgresPort);
    await cpu.start();
    const run = await runLoad(
      {
        url: bare.url,
        connections: settings.connections,
        duration: settings.phaseSeconds,
        requests: traffic.requests(),
      },
      'HTTP ceiling',
      progress,
    );
    httpCeiling = { ...httpRunFrom(run, settings.connections), cpu: await cpu.stop() };
    httpLatencies = run.latencies;
  } finally {
    await bare.stop();
  }

  progress(
    `database ceiling: single-row INSERT commits, ${settings.connections} connections, ${settings.phaseSeconds} s`,
  );
  const databaseCeiling = await measureDatabaseCeiling(
    databaseUrl(server.adminUrl, webDatabase),
    settings.connections,
    settings.phaseSeconds,
    new PhaseCpu([], postgresPort),
    progress,
  );

  const context = {
    databaseUrl: databaseUrl(server.adminUrl, webDatabase),
    postgresPort,
    secret,
    apiToken,
    statsdPort,
    reportDir,
    settings,
    progress,
  };
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the bench's report directory
  await mkdir(reportDir, { recursive: true });
  const {
    latencies: webLatencies,
    throughputWindow,
    ethocaShaped,
    ...web
  } = await measureWebRole(context);
  const costs = await costTableOf(
    [
      {
        label: 'throughput, bare single alerts',
        alertsPerDelivery: 1,
        run: web.throughput,
        window: throughputWindow,
      },
      ...ethocaShaped.map((run) => ({
        label: `Ethoca deliveries of ${String(run.alertsPerDelivery)}`,
        alertsPerDelivery: run.alertsPerDelivery,
        run: run.throughput,
        window: run.window,
      })),
    ],
    settings.cpuProfile ? join(reportDir, 'service-web.cpuprofile') : undefined,
  );
  progress(
    `alert to outcome: ${settings.outcomeRate} alerts/s for ${settings.phaseSeconds} s, then the drain`,
  );
  const alertToOutcome = await measureAlertToOutcome(
    context,
    databaseUrl(server.adminUrl, outcomeDatabase),
  );

  progress(`desk: the agents' queue and alert pages with ${DESK_ALERTS} alerts stored`);
  const deskQueue = await measureDeskQueue(context, databaseUrl(server.adminUrl, deskDatabase));

  const cpuInfo = cpus();
  const measured = {
    machine: {
      cpuModel: cpuInfo[0]?.model.trim() ?? 'unknown',
      cores: cpuInfo.length,
      memoryGiB: totalmem() / 1024 ** 3,
      os: `${type()} ${release()}`,
      node: process.version,
      postgres: server.version,
      postgresSettings,
      loadAverageBefore,
      loadAverageAfter: loadavg(),
    },
    httpCeiling,
    databaseCeiling,
    ...web,
    ethocaShaped: ethocaShaped.map((run) => ({
      ...run.throughput,
      alertsPerDelivery: run.alertsPerDelivery,
    })),
    costs,
    alertToOutcome,
    deskQueue,
  };
  const targets = evaluateTargets(measured);
  const report: BenchReport = benchReportSchema.parse({
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    quick: settings.quick,
    settings: {
      ...settings,
      serviceEnvironment: { ...SERVICE_SETTINGS, SERVICE_ROLE: 'web, then web + worker' },
    },
    ...measured,
    ratios: ratios(measured),
    targets,
    passed: targets.every((result) => result.pass),
    files: {
      markdown: 'bench.md',
      chart: 'latency.svg',
      costChart: 'cost.svg',
      json: 'bench.json',
    },
  });
  const chart = latencyChartSvg(
    'Webhook acknowledgement latency by percentile',
    machineLine(report),
    [
      {
        label: `service, open model at ${settings.openModelRate} req/s`,
        colour: '#1f77b4',
        points: percentileCurve(webLatencies.openModel),
      },
      {
        label: `service, full speed on ${settings.connections} connections`,
        colour: '#ff7f0e',
        points: percentileCurve(webLatencies.throughput),
      },
      {
        label: 'bare Express route (HTTP ceiling)',
        colour: '#2ca02c',
        points: percentileCurve(httpLatencies),
      },
    ],
    [
      { label: `p99 target ${BENCH_TARGETS.ackP99Ms} ms`, p: 99, value: BENCH_TARGETS.ackP99Ms },
      {
        label: `p99.9 target ${BENCH_TARGETS.ackP999Ms} ms`,
        p: 99.9,
        value: BENCH_TARGETS.ackP999Ms,
      },
    ],
  );
  const costChart = costChartSvg(report.costs, machineLine(report), {
    serviceMs: BENCH_TARGETS.serviceCpuMsPerAlert,
    postgresMs: BENCH_TARGETS.postgresCpuMsPerAlert,
  });
  await writeReport(reportDir, report, chart, costChart);

  console.log('');
  console.log(`Machine: ${machineLine(report)}`);
  console.log(`PostgreSQL settings: ${postgresSettings.join(', ')}`);
  console.log('');
  console.log(consoleTable(report));
  console.log('');
  for (const miss of targets.filter((result) => !result.pass)) {
    console.log(
      `FAIL ${miss.description}: limited by ${miss.limitedBy ?? 'an unidentified cause'}`,
    );
  }
  console.log(
    `\nReport: ${resolve(reportDir, report.files.markdown)} (+ ${report.files.json}, ${report.files.chart}, ${report.files.costChart})`,
  );
  console.log(
    `Verdict: ${report.passed ? 'PASS' : 'FAIL'}${settings.quick ? ' (quick run: targets reported, not enforced)' : ''}`,
  );
  const lostAcknowledgements =
    targets.find((result) => result.id === 'every-ack-persisted')?.pass === false;
  exitCode = lostAcknowledgements || (!settings.quick && !report.passed) ? 1 : 0;
} catch (error) {
  console.error(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  exitCode = 1;
} finally {
  await server.stop();
  statsd.close();
}
process.exit(exitCode);
