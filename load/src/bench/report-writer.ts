import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchReport, TargetResult } from './bench-report.js';
import { costTableMarkdown } from './cpu-profile/cost-table.js';

function fixed(value: number, digits = 1): string {
  return value.toLocaleString('en', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function targetRow(result: TargetResult): string[] {
  const digits =
    result.unit === '×'
      ? 2
      : result.unit === 'ms' && result.target < 1
        ? 3
        : result.unit === 'ms' || result.unit === 'MiB'
          ? 1
          : 0;
  return [
    result.description,
    `${fixed(result.measured, digits)} ${result.unit}`,
    `${result.comparison} ${fixed(result.target, digits)} ${result.unit}`,
    result.pass ? 'PASS' : 'FAIL',
  ];
}

/** Rows of the summary table, shared by the console and the Markdown report. */
export function summaryRows(report: BenchReport): string[][] {
  const { httpCeiling, databaseCeiling, throughput, openModel, alertToOutcome } = report;
  return [
    [
      'HTTP ceiling (bare Express 5 route)',
      `${fixed(httpCeiling.requestsPerSecond, 0)} req/s`,
      '',
      '',
    ],
    [
      'database ceiling (single-row INSERT commits)',
      `${fixed(databaseCeiling.insertsPerSecond, 0)} rows/s`,
      '',
      '',
    ],
    [
      'webhook, persisted alerts (counted in the database)',
      `${fixed(throughput.persistedPerSecond, 0)} alerts/s`,
      '',
      '',
    ],
    [
      `open model, achieved rate (target ${openModel.targetRate} req/s)`,
      `${fixed(openModel.requestsPerSecond, 0)} req/s`,
      '',
      '',
    ],
    [
      'open model ack latency p50 / p95 / p99 / p99.9 / max',
      [
        openModel.latencyMs.p50,
        openModel.latencyMs.p95,
        openModel.latencyMs.p99,
        openModel.latencyMs.p999,
        openModel.latencyMs.max,
      ]
        .map((value) => fixed(value))
        .join(' / ') + ' ms',
      '',
      '',
    ],
    [
      `alert-to-outcome p50 / p99 (${alertToOutcome.targetRate} alerts/s)`,
      `${fixed(alertToOutcome.latencyMs.p50, 0)} / ${fixed(alertToOutcome.latencyMs.p99, 0)} ms`,
      '',
      '',
    ],
    [
      '  of which receipt to decision (worker) p50 / p99',
      `${fixed(alertToOutcome.stagesMs.decided.p50, 0)} / ${fixed(alertToOutcome.stagesMs.decided.p99, 0)} ms`,
      '',
      '',
    ],
    [
      '  and decision to sent (outcome dispatcher) p50 / p99',
      `${fixed(alertToOutcome.stagesMs.sentAfterDecision.p50, 0)} / ${fixed(alertToOutcome.stagesMs.sentAfterDecision.p99, 0)} ms`,
      '',
      '',
    ],
    [
      'queue lag: peak backlog / oldest pending / drain',
      `${alertToOutcome.queueLag.maxBacklog} alerts / ${fixed(alertToOutcome.queueLag.maxOldestPendingMs / 1000)} s / ${fixed(alertToOutcome.queueLag.drainSeconds)} s`,
      '',
      '',
    ],
    [
      `desk with ${report.deskQueue.alerts} alerts: queue first page / by merchant / page walk p50 / p99`,
      [report.deskQueue.firstPage, report.deskQueue.byMerchant, report.deskQueue.pageWalk]
        .map((summary) => `${fixed(summary.p50)}/${fixed(summary.p99)}`)
        .join(' · ') + ' ms',
      '',
      '',
    ],
    [
      'desk alert page p50 / p99',
      `${fixed(report.deskQueue.alertPage.p50)} / ${fixed(report.deskQueue.alertPage.p99)} ms`,
      '',
      '',
    ],
    ...report.targets.map(targetRow),
  ];
}

/** A plain-text table for the terminal. */
export function consoleTable(report: BenchReport): string {
  const header = ['measurement', 'value', 'target', 'result'];
  const rows = [header, ...summaryRows(report)];
  const widths = header.map((_unused, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

export function machineLine(report: BenchReport): string {
  const machine = report.machine;
  return `${machine.cpuModel}, ${machine.cores} cores, ${fixed(machine.memoryGiB)} GiB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function markdownReport(report: BenchReport): string {
  const misses = report.targets.filter((result) => !result.pass);
  const cpuRow = (
    label: string,
    cpu: { service: number; postgres: number; loadGenerator: number },
  ) => [label, fixed(cpu.service, 2), fixed(cpu.postgres, 2), fixed(cpu.loadGenerator, 2)];
  return [
    `# Bench report${report.quick ? ' (quick run: short phases, figures not representative)' : ''}`,
    '',
    `Generated ${report.generatedAt}. Verdict: **${report.passed ? 'PASS' : 'FAIL'}**.`,
    '',
    `Machine: ${machineLine(report)}. Load average before ${report.machine.loadAverageBefore.map((value) => value.toFixed(2)).join(' ')}, after ${report.machine.loadAverageAfter.map((value) => value.toFixed(2)).join(' ')}.`,
    `PostgreSQL settings: ${report.machine.postgresSettings.join(', ')}.`,
    '',
    '## Summary',
    '',
    markdownTable(['measurement', 'value', 'target', 'result'], summaryRows(report)),
    '',
    `Ratios: webhook ÷ HTTP ceiling ${fixed(report.ratios.webhookToHttpCeiling, 2)}, webhook ÷ database ceiling ${fixed(report.ratios.webhookToDatabaseCeiling, 2)}.`,
    '',
    '## What limits the missed targets',
    '',
    misses.length === 0
      ? 'Every target was met.'
      : misses
          .map(
            (result) =>
              `- **${result.description}**: limited by ${result.limitedBy ?? 'an unidentified cause'}.`,
          )
          .join('\n'),
    '',
    '## CPU per phase (cores used on average)',
    '',
    markdownTable(
      ['phase', 'service', 'PostgreSQL', 'load generator'],
      [
        cpuRow('HTTP ceiling (bare server in the service column)', report.httpCeiling.cpu),
        cpuRow('database ceiling', report.databaseCeiling.cpu),
        cpuRow('webhook throughput', report.throughput.cpu),
        cpuRow('open model', report.openModel.cpu),
        cpuRow('alert to outcome', report.alertToOutcome.cpu),
      ],
    ),
    '',
    '## Persistence checks',
    '',
    markdownTable(
      ['phase', '2xx', 'acknowledged', 'rows', 'acknowledged without row', 'rows without ack'],
      [
        ['throughput', report.throughput, report.throughput.persistence] as const,
        ['open model', report.openModel, report.openModel.persistence] as const,
        [
          'alert to outcome',
          report.alertToOutcome.send,
          report.alertToOutcome.persistence,
        ] as const,
      ].map(([label, run, persistence]) => [
        label,
        String(run.responses2xx),
        String(persistence.acknowledged),
        String(persistence.rows),
        String(persistence.acknowledgedWithoutRow),
        String(persistence.rowsWithoutAcknowledgement),
      ]),
    ),
    '',
    `Alert to outcome: ${report.alertToOutcome.transactionsRecorded} merchant transactions recorded first; ${report.alertToOutcome.outcomeSent} outcomes sent, ${report.alertToOutcome.outcomeFailed} failed, ${report.alertToOutcome.pendingAtEnd} pending at the end; the mock Ethoca recorded ${report.alertToOutcome.ethocaOutcomesRecorded} outcomes and the mock PSP received ${report.alertToOutcome.pspRefundRequests} requests.`,
    '',
    ...costTableMarkdown(report.costs),
    `![CPU per persisted alert](${report.files.costChart})`,
    '',
    `![latency by percentile](${report.files.chart})`,
    '',
  ].join('\n');
}

export async function writeReport(
  directory: string,
  report: BenchReport,
  chartSvg: string,
  costChartSvg: string,
): Promise<void> {
  // The directory is the bench's own report directory (a command-line option at most).
  /* eslint-disable security/detect-non-literal-fs-filename */
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, report.files.json), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(directory, report.files.markdown), markdownReport(report));
  await writeFile(join(directory, report.files.chart), chartSvg);
  await writeFile(join(directory, report.files.costChart), costChartSvg);
  /* eslint-enable security/detect-non-literal-fs-filename */
}
