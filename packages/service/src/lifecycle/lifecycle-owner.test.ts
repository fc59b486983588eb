/* eslint-disable security/detect-non-literal-fs-filename -- reads this package's own source files */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Statements that write an alert's status or append to its event trail: only `lifecycle/` may
// hold them. The patterns read SQL in template strings and Kysely's builder calls, the two ways
// the service writes to PostgreSQL.
const WRITES: readonly { name: string; pattern: RegExp }[] = [
  { name: 'UPDATE alerts', pattern: /\bUPDATE\s+alerts\b/gi },
  { name: "updateTable('alerts')", pattern: /\bupdateTable\(\s*['"`]alerts['"`]/g },
  { name: 'INSERT INTO alert_events', pattern: /\bINSERT\s+INTO\s+alert_events\b/gi },
  { name: "insertInto('alert_events')", pattern: /\binsertInto\(\s*['"`]alert_events['"`]/g },
  { name: 'MERGE INTO alerts', pattern: /\bMERGE\s+INTO\s+alerts\b/gi },
  // An insert of a new alert leaves its status to the column's default (ARRIVAL_STATUS).
  {
    name: 'INSERT INTO alerts naming status',
    pattern: /\bINSERT\s+INTO\s+alerts\s*\([^)]*\bstatus\b/gi,
  },
  {
    name: "insertInto('alerts') setting status",
    pattern: /\binsertInto\(\s*['"`]alerts['"`]\)[^;]*?\bstatus\s*:/g,
  },
];

interface LifecycleWrite {
  line: number;
  write: string;
}

/** The status and event writes in one source file, with the line each starts on. */
function lifecycleWrites(source: string): LifecycleWrite[] {
  const found: LifecycleWrite[] = [];
  for (const { name, pattern } of WRITES) {
    for (const match of source.matchAll(pattern)) {
      found.push({ line: source.slice(0, match.index).split('\n').length, write: name });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Migrations define the table (the status column's default among it); they write no alert.
const OWNERS = ['lifecycle/', 'platform/database/migrations/'];

describe('the alert lifecycle has one owner', () => {
  it('no file outside lifecycle/ writes alerts.status or appends to alert_events', () => {
    const files = sourceFiles(SRC).map((path) => relative(SRC, path).split('\\').join('/'));
    expect(files.length).toBeGreaterThan(50);
    const elsewhere = files
      .filter((file) => !OWNERS.some((owner) => file.startsWith(owner)))
      .flatMap((file) =>
        lifecycleWrites(readFileSync(join(SRC, file), 'utf8')).map(
          ({ line, write }) => `${file}:${line} ${write}`,
        ),
      );
    expect(elsewhere).toEqual([]);
  });

  it('lifecycle/ holds the writes it owns', () => {
    const own = sourceFiles(join(SRC, 'lifecycle')).flatMap((path) =>
      lifecycleWrites(readFileSync(path, 'utf8')).map(({ write }) => write),
    );
    // One statement shape for every move (alert-moves-sql.ts), so only its raw SQL is here.
    expect(new Set(own)).toEqual(new Set(['UPDATE alerts', 'INSERT INTO alert_events']));
  });

  it.each([
    [
      'a raw update',
      "await sql`UPDATE alerts SET status = 'MATCHED' WHERE alert_id = ${id}`",
      'UPDATE alerts',
    ],
    ['a lower-case update over lines', 'sql`\n  update\n alerts set status = x`', 'UPDATE alerts'],
    ['a builder update', "db.updateTable('alerts').set({ status: 'X' })", "updateTable('alerts')"],
    [
      'a raw event',
      'sql`INSERT INTO alert_events (alert_id) VALUES (1)`',
      'INSERT INTO alert_events',
    ],
    ['a builder event', 'trx.insertInto("alert_events").values(row)', "insertInto('alert_events')"],
    [
      'an insert naming status',
      'sql`INSERT INTO alerts (alert_id, status) VALUES (1, 2)`',
      'INSERT INTO alerts naming status',
    ],
    [
      'a builder insert setting status',
      "db.insertInto('alerts').values({ alert_id: a, status: 'RECEIVED' })",
      "insertInto('alerts') setting status",
    ],
  ])('finds %s', (_name, source, write) => {
    expect(lifecycleWrites(source).map((found) => found.write)).toEqual([write]);
  });

  it.each([
    "db.selectFrom('alert_events').selectAll()",
    'sql`SELECT status FROM alerts WHERE alert_id = ${id}`',
    'sql`UPDATE alert_outcomes SET state = 1`',
    'sql`INSERT INTO alerts (alert_id, alert_type) SELECT alert_id, alert_type FROM incoming`',
    "db.updateTable('alert_refunds').set({ status: 'FAILED' })",
  ])('leaves a read or another table alone: %s', (source) => {
    expect(lifecycleWrites(source)).toEqual([]);
  });
});
