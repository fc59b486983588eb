import { scanForCardNumbers } from '@mastercom/testkit';
import { type Harness, type OutputLine } from '@mastercom/service-harness';
import { recordRow } from './report.js';

/**
 * Every full card number in any column of any table of the service's schemas, pg-boss's
 * included, and in any captured log line; each with where it is (see scanForCardNumbers).
 */
export async function findStoredCardNumbers(
  h: Harness,
  logs: readonly OutputLine[],
): Promise<{ found: string[]; rowsScanned: number; linesScanned: number }> {
  const scan = await scanForCardNumbers({
    query: (sql) => h.query(sql),
    logLines: logs.map((line) => line.text),
  });
  return { found: scan.found, rowsScanned: scan.rows, linesScanned: scan.logLines };
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
