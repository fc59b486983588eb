// Renders the configuration reference (packages/service/CONFIGURATION.md) from the environment
// schema, so the table cannot say something the schema does not: the variables, their defaults
// and the `.describe()` texts all come from `environmentSchema`.
import { z } from 'zod';
import { environmentSchema, SECRET_VARIABLES } from './config.js';

export interface ConfigVariable {
  readonly name: string;
  readonly secret: boolean;
  readonly defaultText: string | undefined;
  readonly description: string | undefined;
}

export function configVariables(): ConfigVariable[] {
  return Object.entries(environmentSchema.shape).map(([name, schema]) => ({
    name,
    secret: SECRET_VARIABLES.some((secret) => secret === name),
    defaultText: defaultText(schema),
    description: schema.description,
  }));
}

/**
 * The value a variable has when it is not set, as an operator would write it. A default given
 * before a transform is shown as written (`REFUND_CEILINGS`); otherwise the schema parses a
 * missing value and the result is shown (`MASTERCOM_QUEUES` becomes `Unworked`).
 */
function defaultText(schema: z.ZodType): string | undefined {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
  if (inner instanceof z.ZodDefault) return String(inner.def.defaultValue);
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return undefined;
  const value: unknown = parsed.data;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const HEADER = `# Configuration of @mastercom/service

<!-- Generated from packages/service/src/config.ts by \`pnpm --filter @mastercom/service generate:config-docs\`; edit the schema's .describe() texts, not this file. -->

The service reads its configuration from environment variables once, at start, and validates all
of them with one zod schema (\`src/config.ts\`): a bad value stops the service with one message that
lists every problem. An empty variable counts as not set. A variable marked \`(or _FILE)\` may
instead be given as \`NAME_FILE\`, the path of a file holding the value, which is how Kubernetes
mounts Secrets and keeps them out of \`env\` listings (setting both is an error).
`;

export function renderConfigurationReference(): string {
  const rows = configVariables().map((variable) => [
    `\`${variable.name}\`${variable.secret ? ' (or `_FILE`)' : ''}`,
    variable.defaultText === undefined ? 'none' : `\`${variable.defaultText}\``,
    escapeCell(variable.description ?? ''),
  ]);
  return `${HEADER}\n${markdownTable(['variable', 'default', 'description'], rows)}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A table laid out the way Prettier lays it out, so the committed file passes its check. */
function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |\n`;
  return (
    line(header) +
    line(widths.map((width) => '-'.repeat(width))) +
    rows.map((row) => line(row)).join('')
  );
}
