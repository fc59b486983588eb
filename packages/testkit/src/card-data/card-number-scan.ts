import { findCardNumbers } from '@mastercom/contracts';

/** Runs one SQL statement and gives its rows; the suites pass their database inspector. */
export type ScanQuery = <Row extends Record<string, unknown>>(sql: string) => Promise<Row[]>;

export interface CardNumberScan {
  /** Each full card number found, with where: `schema.table.column row N` or `log line N`. */
  found: string[];
  tables: number;
  columns: number;
  rows: number;
  /** Column values read (rows times columns, table by table). */
  cells: number;
  logLines: number;
}

/**
 * Looks for a full card number (13–19 Luhn-valid digits, written with any separators; see
 * `findCardNumbers`) in every column of every table of the database, pg-boss's included, and in
 * every log line. The table and column list comes from `information_schema`, so a table added
 * later is scanned without anyone remembering to add it; every value is cast to text (bytea as its
 * hex form). JSON escapes of whitespace (`\n`, `\t`) count as separators, so a number split by
 * line breaks inside a stored JSON string is found too.
 */
export async function scanForCardNumbers(input: {
  query: ScanQuery;
  logLines: readonly string[];
}): Promise<CardNumberScan> {
  const columns = await input.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, { schema: string; table: string; columns: string[] }>();
  for (const { schema, table, column } of columns) {
    const key = `${schema}.${table}`;
    const entry = tables.get(key) ?? { schema, table, columns: [] };
    entry.columns.push(column);
    tables.set(key, entry);
  }
  const scan: CardNumberScan = {
    found: [],
    tables: tables.size,
    columns: columns.length,
    rows: 0,
    cells: 0,
    logLines: input.logLines.length,
  };
  for (const { schema, table, columns: names } of tables.values()) {
    const select = names.map((name, index) => `${quote(name)}::text AS c${String(index)}`);
    const rows = await input.query<Record<string, string | null>>(
      `SELECT ${select.join(', ')} FROM ${quote(schema)}.${quote(table)}`,
    );
    scan.rows += rows.length;
    scan.cells += rows.length * names.length;
    for (const [rowIndex, row] of rows.entries()) {
      for (const [index, name] of names.entries()) {
        const value = row[`c${String(index)}`];
        if (value === null || value === undefined) continue;
        for (const number of cardNumbersIn(value)) {
          scan.found.push(`${schema}.${table}.${name} row ${String(rowIndex)}: ${number}`);
        }
      }
    }
  }
  for (const [index, line] of input.logLines.entries()) {
    for (const number of cardNumbersIn(line)) {
      scan.found.push(`log line ${String(index)}: ${number}`);
    }
  }
  return scan;
}

function cardNumbersIn(text: string): string[] {
  return findCardNumbers(text.includes('\\') ? text.replaceAll(/\\[nrtbf]/g, ' ') : text);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
