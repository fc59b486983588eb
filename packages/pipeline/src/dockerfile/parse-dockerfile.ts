// A small Dockerfile parser: enough of the reference syntax to check this repository's
// Dockerfile structurally (stages, flags, exec or shell form) instead of matching text.
//
// Supported: parser directives (`escape`), comments, line continuations (with comment lines
// inside a continuation skipped, as BuildKit does), `--flag=value` options, JSON (exec) form,
// `FROM image AS name`, `ARG` and `ENV` key/value pairs, and `${VAR}`/`$VAR`/`${VAR:-default}`
// substitution. Heredocs are rejected with an error rather than misread.

export interface Instruction {
  /** The keyword in upper case: FROM, RUN, COPY... */
  readonly keyword: string;
  /** Leading `--name=value` options (`--from`, `--mount`, `--chown`, `--interval`...). */
  readonly flags: readonly Flag[];
  /** The rest of the instruction after the flags, continuations joined. */
  readonly args: string;
  /** The arguments of an exec-form instruction (`["node", "dist/main.js"]`), otherwise undefined. */
  readonly execForm: readonly string[] | undefined;
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface Flag {
  readonly name: string;
  readonly value: string;
}

export interface Stage {
  /** The image or earlier stage this stage starts from, as written. */
  readonly from: string;
  /** The `AS` name, lower-cased as Docker treats it, or undefined for an unnamed stage. */
  readonly name: string | undefined;
  readonly index: number;
  readonly line: number;
  readonly fromFlags: readonly Flag[];
  /** Instructions after FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** `ARG`s before the first FROM: the only variables FROM lines may use. */
  readonly globalArgs: ReadonlyMap<string, string | undefined>;
  readonly stages: readonly Stage[];
  readonly instructions: readonly Instruction[];
}

export class DockerfileSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'DockerfileSyntaxError';
  }
}

const FLAG_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const directivePattern = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let escape = '\\';
  let index = 0;

  // Parser directives are only recognised at the very top, before any comment, blank line or
  // instruction (https://docs.docker.com/reference/dockerfile/#parser-directives).
  for (; index < lines.length; index++) {
    const match = directivePattern.exec(lines[index] ?? '');
    if (!match) break;
    const [, name = '', value = ''] = match;
    if (name.toLowerCase() === 'escape') {
      if (value !== '\\' && value !== '`') {
        throw new DockerfileSyntaxError(`escape must be \\ or \`, not ${value}`, index + 1);
      }
      escape = value;
    }
  }

  const instructions: Instruction[] = [];
  while (index < lines.length) {
    const raw = lines[index] ?? '';
    const startLine = index + 1;
    index++;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;

    let logical = raw;
    while (endsWithEscape(logical, escape)) {
      logical = logical.trimEnd().slice(0, -1);
      // Comment lines and blank lines inside a continuation are dropped, not ended on.
      while (index < lines.length && isCommentOrBlank(lines[index] ?? '')) index++;
      if (index >= lines.length) break;
      // Like BuildKit, the escape and the newline are removed and nothing is put in their place.
      logical += lines[index] ?? '';
      index++;
    }
    instructions.push(parseInstruction(logical.trim(), startLine));
  }

  return assemble(instructions);
}

function endsWithEscape(line: string, escape: string): boolean {
  return line.trimEnd().endsWith(escape);
}

function isCommentOrBlank(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

function parseInstruction(logical: string, line: number): Instruction {
  const keywordMatch = /^([A-Za-z]+)(\s+|$)/.exec(logical);
  if (!keywordMatch) throw new DockerfileSyntaxError(`not an instruction: ${logical}`, line);
  const keyword = (keywordMatch[1] ?? '').toUpperCase();
  let rest = logical.slice(keywordMatch[0].length).trim();
  if (/<<-?["']?[A-Za-z_]/.test(rest) && (keyword === 'RUN' || keyword === 'COPY')) {
    throw new DockerfileSyntaxError('heredocs are not supported by this parser', line);
  }

  const flags: Flag[] = [];
  if (FLAG_KEYWORDS.has(keyword)) {
    for (;;) {
      // eslint-disable-next-line security/detect-unsafe-regex -- anchored, disjoint character classes; linear
      const flag = /^--([a-z][a-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
      if (!flag) break;
      flags.push({ name: flag[1] ?? '', value: flag[2] ?? '' });
      rest = rest.slice(flag[0].length);
    }
  }

  return { keyword, flags, args: rest, execForm: parseExecForm(rest), line };
}

function parseExecForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
      return parsed;
    }
  } catch {
    // Not valid JSON: Docker then runs the text in shell form, and so do we.
  }
  return undefined;
}

function assemble(instructions: Instruction[]): Dockerfile {
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  let current: { stage: Omit<Stage, 'instructions'>; instructions: Instruction[] } | undefined;

  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      if (current) stages.push({ ...current.stage, instructions: current.instructions });
      const parts = instruction.args.split(/\s+/);
      const from = parts[0] ?? '';
      if (from === '') throw new DockerfileSyntaxError('FROM without an image', instruction.line);
      let name: string | undefined;
      if (parts.length === 3 && parts[1]?.toUpperCase() === 'AS') name = parts[2]?.toLowerCase();
      else if (parts.length !== 1) {
        throw new DockerfileSyntaxError(`cannot read FROM ${instruction.args}`, instruction.line);
      }
      current = {
        stage: {
          from,
          name,
          index: stages.length,
          line: instruction.line,
          fromFlags: instruction.flags,
        },
        instructions: [],
      };
    } else if (!current) {
      if (instruction.keyword !== 'ARG') {
        throw new DockerfileSyntaxError(
          `only ARG may come before the first FROM, found ${instruction.keyword}`,
          instruction.line,
        );
      }
      for (const [key, value] of parseKeyValues(instruction.args)) globalArgs.set(key, value);
    } else {
      current.instructions.push(instruction);
    }
  }
  if (current) stages.push({ ...current.stage, instructions: current.instructions });
  return { globalArgs, stages, instructions };
}

/**
 * Reads `ARG NAME`, `ARG NAME=value` and `ENV A=1 B="two words"` (and the legacy `ENV NAME value`).
 */
export function parseKeyValues(args: string): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>();
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=].*)$/.exec(args);
  if (legacy && !args.includes('=')) {
    result.set(legacy[1] ?? '', legacy[2]);
    return result;
  }
  // eslint-disable-next-line security/detect-unsafe-regex -- sticky and anchored at each pair; each alternative consumes disjoint input
  const pair = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/gy;
  let rest = args.trim();
  while (rest !== '') {
    pair.lastIndex = 0;
    const match = pair.exec(rest);
    if (!match) throw new DockerfileSyntaxError(`cannot read ${rest}`, 0);
    const rawValue = match[2];
    result.set(match[1] ?? '', rawValue === undefined ? undefined : unquote(rawValue));
    rest = rest.slice(match[0].length).trimStart();
  }
  return result;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/**
 * Substitutes `$NAME`, `${NAME}` and `${NAME:-default}` the way a FROM line sees them. A variable
 * without a value resolves to the empty string, as in Docker.
 */
export function substitute(
  text: string,
  variables: ReadonlyMap<string, string | undefined>,
): string {
  return text.replace(
    // eslint-disable-next-line security/detect-unsafe-regex -- no nested repetition of overlapping classes; linear
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _match,
      braced: string | undefined,
      fallback: string | undefined,
      bare: string | undefined,
    ) => {
      const value = variables.get(braced ?? bare ?? '');
      if (value !== undefined && value !== '') return value;
      return fallback ?? '';
    },
  );
}

export function flag(instruction: Pick<Instruction, 'flags'>, name: string): string | undefined {
  return instruction.flags.find((candidate) => candidate.name === name)?.value;
}
