import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCALE } from './scale.js';

/** One scenario's line in the campaign table. */
export interface ScenarioRow {
  scenario: string;
  /** Inputs tried: alerts sent, hostile cases, sockets opened. */
  cases: number;
  acknowledged: number;
  lost: number;
  duplicates: number;
  serverErrors: number;
  /** Named recovery times in milliseconds, e.g. readiness after the database came back. */
  recoveryMs: Record<string, number>;
  notes?: string;
}

const REPORT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports');
const ROWS_DIR = join(REPORT_DIR, 'rows');

/** Forgets the rows of an earlier run, so the table only shows this one. */
export async function clearReport(): Promise<void> {
  await rm(ROWS_DIR, { recursive: true, force: true });
  await mkdir(ROWS_DIR, { recursive: true });
}

/**
 * Records a scenario's row; each test file runs in its own worker, so rows travel to the global
 * teardown as files rather than through memory.
 */
export async function recordRow(row: ScenarioRow): Promise<void> {
  await mkdir(ROWS_DIR, { recursive: true });
  const name = row.scenario.replaceAll(/[^a-z0-9]+/gi, '-').toLowerCase();
  // The name is reduced to [a-z0-9-] just above; the folder is the package's own reports folder.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  await writeFile(join(ROWS_DIR, `${name}.json`), JSON.stringify(row, null, 2));
}

/** Prints the table and writes `reports/faults-<scale>.json` with the same rows. */
export async function printReport(): Promise<void> {
  const files = (await readdir(ROWS_DIR).catch(() => [] as string[])).filter((f) =>
    f.endsWith('.json'),
  );
  const rows: ScenarioRow[] = [];
  for (const file of files.sort()) {
    // Files listed from the package's own reports folder, written by recordRow.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    rows.push(JSON.parse(await readFile(join(ROWS_DIR, file), 'utf8')) as ScenarioRow);
  }
  const header = [
    'scenario',
    'cases',
    'acknowledged',
    'lost',
    'duplicates',
    '5xx',
    'recovery (ms)',
  ];
  const lines = rows.map((row) => [
    row.scenario,
    String(row.cases),
    String(row.acknowledged),
    String(row.lost),
    String(row.duplicates),
    String(row.serverErrors),
    Object.entries(row.recoveryMs)
      .map(([name, ms]) => `${name} ${String(Math.round(ms))}`)
      .join(', ') || '-',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((l) => l[i]!.length)),
  );
  const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  const table = [
    format(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...lines.map(format),
  ].join('\n');
  const file = join(REPORT_DIR, `faults-${SCALE}.json`);
  // The package's own reports folder.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  await writeFile(
    file,
    JSON.stringify({ scale: SCALE, finishedAt: new Date().toISOString(), rows }, null, 2),
  );
  process.stdout.write(`\nFault campaign (${SCALE})\n${table}\n\nwritten to ${file}\n`);
  for (const row of rows) if (row.notes) process.stdout.write(`${row.scenario}: ${row.notes}\n`);
}
