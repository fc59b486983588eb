import { findCardNumbers } from '@mastercom/contracts/fixtures';
import type { Harness, OutputLine } from '@mastercom/testkit';
import { recordRow } from './report.js';

// Generated request ids are random UUIDs, and about one in 400 has dash-grouped digits that pass
// Luhn; they are replaced so the scan only fails on data that came from a delivery.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Every full card number (a 13–19 digit Luhn-valid run) in any column of any table of the
 * service's schemas, pg-boss's included, and in any captured log line; each with where it is.
 */
export async function findStoredCardNumbers(
  h: Harness,
  logs: readonly OutputLine[],
): Promise<{ found: string[]; rowsScanned: number; linesScanned: number }> {
  const tables = await h.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const found: string[] = [];
  let rowsScanned = 0;
  for (const table of tables) {
    const qualified = `"${table.schema.replaceAll('"', '""')}"."${table.name.replaceAll('"', '""')}"`;
    const rows = await h.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM ${qualified} t`,
    );
    rowsScanned += rows.length;
    for (const [index, { row }] of rows.entries()) {
      for (const number of findCardNumbers(row.replaceAll(UUID, '<uuid>'))) {
        found.push(`${table.schema}.${table.name} row ${String(index)}: ${number}`);
      }
    }
  }
  for (const [index, line] of logs.entries()) {
    for (const number of findCardNumbers(line.text.replaceAll(UUID, '<uuid>'))) {
      found.push(`log line ${String(index)}: ${number}`);
    }
  }
  return { found, rowsScanned, linesScanned: logs.length };
}

/** Scans, records the scenario's card-data row and returns what was found. */
export async function scanAndRecord(
  h: Harness,
  logs: readonly OutputLine[],
  scenario: string,
): Promise<{ found: string[]; rowsScanned: number; linesScanned: number }> {
  const scan = await findStoredCardNumbers(h, logs);
  await recordRow({
    scenario: `6 card data: ${scenario}`,
    cases: scan.rowsScanned + scan.linesScanned,
    acknowledged: 0,
    lost: 0,
    duplicates: 0,
    serverErrors: 0,
    recoveryMs: {},
    notes: `${String(scan.rowsScanned)} rows and ${String(scan.linesScanned)} log lines scanned, ${String(scan.found.length)} full card numbers found`,
  });
  return scan;
}
