// The two settings without which no container starts under Debian's podman on machines like CI's:
// crun (podman's default runtime) fails with `setrlimit RLIMIT_NOFILE: Operation not permitted`
// and, even when limits are passed explicitly, on RLIMIT_NPROC; runc with no default ulimits works.

/** One `key = value` line that must hold inside one table of containers.conf. */
export interface RequiredSetting {
  readonly table: string;
  readonly key: string;
  /** The value as TOML text, for example `"runc"` or `[]`. */
  readonly value: string;
}

export const requiredPodmanSettings: readonly RequiredSetting[] = [
  { table: 'containers', key: 'default_ulimits', value: '[]' },
  { table: 'engine', key: 'runtime', value: '"runc"' },
];

// eslint-disable-next-line security/detect-unsafe-regex -- anchored, and the optional brackets and spaces cannot overlap the name's class; linear
const tableHeader = /^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*(?:#.*)?$/;

/**
 * Returns containers.conf text in which every required setting holds, changing only the lines
 * that must change: a key with another value is replaced (a multi-line array with it), a missing
 * key goes first in its table, a missing table is appended. Comments and every other setting
 * stay, and text that already holds the settings comes back unchanged, so applying it twice is
 * the same as once.
 */
export function withRequiredSettings(
  text: string,
  settings: readonly RequiredSetting[] = requiredPodmanSettings,
): string {
  let lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  for (const setting of settings) {
    lines = withSetting(lines, setting);
  }
  const result = lines.join('\n');
  return result === '' ? '' : `${result}\n`;
}

function withSetting(lines: readonly string[], setting: RequiredSetting): string[] {
  const wanted = `${setting.key} = ${setting.value}`;
  const headerIndex = lines.findIndex((line) => tableHeader.exec(line)?.[1] === setting.table);
  if (headerIndex === -1) {
    const separator = lines.length > 0 && lines.at(-1)?.trim() !== '' ? [''] : [];
    return [...lines, ...separator, `[${setting.table}]`, wanted];
  }
  const end = tableEnd(lines, headerIndex);
  for (let index = headerIndex + 1; index < end; index += 1) {
    const line = lines[index] ?? '';
    if (!assignsKey(line, setting.key)) continue;
    const valueEnd = valueEndIndex(lines, index);
    const current = lines.slice(index, valueEnd + 1);
    if (current.length === 1 && normalise(line) === normalise(wanted)) return [...lines];
    return [...lines.slice(0, index), wanted, ...lines.slice(valueEnd + 1)];
  }
  return [...lines.slice(0, headerIndex + 1), wanted, ...lines.slice(headerIndex + 1)];
}

/** Whether `line` is `key = ...` (a commented-out or longer key is not). */
function assignsKey(line: string, key: string): boolean {
  const code = line.trimStart();
  return code.startsWith(key) && code.slice(key.length).trimStart().startsWith('=');
}

/** The index of the next table header after `headerIndex`, or the end of the file. */
function tableEnd(lines: readonly string[], headerIndex: number): number {
  for (let index = headerIndex + 1; index < lines.length; index += 1) {
    if (tableHeader.test(lines[index] ?? '')) return index;
  }
  return lines.length;
}

/**
 * The last line of the value that starts on line `start`. Arrays may span lines in TOML; brackets
 * are counted outside strings and comments until they balance.
 */
function valueEndIndex(lines: readonly string[], start: number): number {
  let depth = 0;
  for (let index = start; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const code = index === start ? line.slice(line.indexOf('=') + 1) : line;
    depth += bracketBalance(code);
    if (depth <= 0) return index;
  }
  return lines.length - 1;
}

function bracketBalance(code: string): number {
  let balance = 0;
  let quote: string | undefined;
  for (const char of code) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#') break;
    else if (char === '[') balance += 1;
    else if (char === ']') balance -= 1;
  }
  return balance;
}

function normalise(line: string): string {
  return line.replace(/#.*$/, '').replace(/\s+/g, '');
}
