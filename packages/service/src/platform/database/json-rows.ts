import { sql, type RawBuilder } from 'kysely';

/**
 * A batch of rows as one statement parameter: `jsonb_to_recordset` of their JSON, which the
 * caller follows with `AS alias (column type, ...)`. One parameter whatever the batch's size, so a
 * batch's statement is the same text every time.
 */
export function jsonRows(rows: readonly object[]): RawBuilder<unknown> {
  return sql`jsonb_to_recordset(${jsonRowsParameter(rows)}::jsonb)`;
}

/** The parameter `jsonRows` sends for `rows`, for a statement compiled once and run again. */
export function jsonRowsParameter(rows: readonly object[]): string {
  return JSON.stringify(rows);
}
