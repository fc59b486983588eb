import { spawn, type StdioOptions } from 'node:child_process';

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to the command's standard input. */
  readonly input?: string | Buffer;
  /** Lines of output are passed here as they arrive, for long commands worth watching. */
  readonly onLine?: (line: string) => void;
}

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown when a command exits non-zero; the message ends with the tail of its output. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
    super(`\`${command}\` exited with ${result.status}\n${output}`);
    this.name = 'CommandError';
  }
}

/** Runs a command to completion and returns its output; never throws on a non-zero exit. */
export async function tryCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const stdio: StdioOptions = [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      into.push(text);
      if (options.onLine === undefined) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
  };
  child.stdout?.on('data', collect(stdout));
  child.stderr?.on('data', collect(stderr));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const status = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      stderr.push(`${error.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** Runs a command and throws a CommandError, with the tail of its output, when it fails. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const result = await tryCommand(command, args, options);
  if (result.status !== 0) throw new CommandError([command, ...args].join(' '), result);
  return result;
}

/** Whether `command` is an executable on PATH. */
export async function onPath(command: string): Promise<boolean> {
  const result = await tryCommand('sh', ['-c', 'command -v "$0"', command]);
  return result.status === 0;
}
