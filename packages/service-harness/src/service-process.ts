import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { isServiceReadyMessage } from '@mastercom/contracts';

/**
 * The production entry point, `dist/main.js` as `build` produced it, resolved through this
 * package's declared dependency on `@mastercom/service` (its `./main` export).
 */
export function serviceMainPath(): string {
  return fileURLToPath(import.meta.resolve('@mastercom/service/main'));
}

/** Lines kept per process for failure messages; older ones are dropped so memory stays flat. */
const MAX_OUTPUT_LINES = 4000;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;

/** Every process started by this module, so a file's teardown can never leave one behind. */
const running = new Set<ServiceProcess>();

// A test runner that dies between beforeAll and afterAll must not leave a service holding
// connections to a database the next run wants to drop.
process.once('exit', () => {
  for (const service of running) service.child.kill('SIGKILL');
});

export interface ServiceProcessOptions {
  /** Shown in failure messages, e.g. `web` or `worker`. */
  name: string;
  /** The service's whole environment besides PATH and HOME: it is configured by nothing else. */
  env: Readonly<Record<string, string>>;
  readyTimeoutMs?: number;
  /**
   * Node options before the entry point, as an image's command gives them (e.g. dd-trace's
   * `--import`); with `cwd: 'service'` the process runs in the service's package folder, where
   * such a bare specifier resolves the way it does in the image's working directory.
   */
  nodeArgs?: readonly string[];
  cwd?: 'service';
  /**
   * Called with every line the process writes, from the first one on; for suites that must see
   * all output (a scan of every log line), since `output` keeps only the last lines.
   */
  onOutput?: (line: OutputLine) => void;
}

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** One running `node dist/main.js`, started and stopped the way an orchestrator would. */
export class ServiceProcess {
  readonly #output: OutputLine[] = [];
  readonly #listeners = new Set<(line: OutputLine) => void>();
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #port = 0;

  private constructor(
    readonly options: ServiceProcessOptions,
    readonly child: ChildProcess,
  ) {
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        running.delete(this);
        resolve(this.#exit);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (source === null) continue;
      // One reader per stream for the process's whole life: a second reader that closed would
      // pause the pipe, and a child whose pipe is full blocks on its next log line.
      createInterface({ input: source }).on('line', (text) => {
        const line = { stream, text };
        this.#output.push(line);
        if (this.#output.length > MAX_OUTPUT_LINES) this.#output.shift();
        options.onOutput?.(line);
        for (const listener of this.#listeners) listener(line);
      });
    }
  }

  /** Starts the service and resolves once it signalled that it is ready; rejects with its output if not. */
  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const main = serviceMainPath();
    // The path is resolved from the workspace dependency, not from input.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    if (!existsSync(main)) {
      throw new Error(
        `${main} does not exist; build the service first (pnpm turbo run build --filter=@mastercom/service)`,
      );
    }
    const inherited: Record<string, string> = {};
    for (const name of ['PATH', 'HOME', 'TMPDIR'] as const) {
      const value = process.env[name];
      if (value !== undefined) inherited[name] = value;
    }
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', ...(options.nodeArgs ?? []), main],
      {
        env: { ...inherited, ...options.env },
        // The IPC channel carries the service's readiness signal (contracts' service-ready.ts).
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        ...(options.cwd === 'service' ? { cwd: dirname(dirname(main)) } : {}),
      },
    );
    const service = new ServiceProcess(options, child);
    running.add(service);
    await service.#waitUntilReady(options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    return service;
  }

  async #waitUntilReady(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let onMessage: ((message: unknown) => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onMessage = (message) => {
          if (!isServiceReadyMessage(message)) return;
          this.#port = message.port;
          resolve();
        };
        this.child.on('message', onMessage);
        timer = setTimeout(() => {
          reject(
            new Error(
              `${this.options.name} did not signal that it is ready within ${timeoutMs} ms\n${this.outputTail()}`,
            ),
          );
        }, timeoutMs);
        void this.#exited.then((exit) => {
          reject(
            new Error(
              `${this.options.name} exited before it was ready (code ${String(exit.code)}, signal ${String(exit.signal)})\n${this.outputTail()}`,
            ),
          );
        });
      });
    } catch (error) {
      await this.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
      if (onMessage !== undefined) this.child.off('message', onMessage);
    }
  }

  /** `http://127.0.0.1:<port>` of this start. */
  get url(): string {
    return `http://127.0.0.1:${String(this.#port)}`;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Every line the process wrote, stdout and stderr interleaved as they arrived. */
  get output(): readonly OutputLine[] {
    return this.#output;
  }

  /** The last lines, for failure messages. */
  outputTail(lines = 60): string {
    const tail = this.#output.slice(-lines).map((line) => `[${line.stream}] ${line.text}`);
    return `--- last ${String(tail.length)} lines of ${this.options.name} (pid ${String(this.child.pid)}) ---\n${tail.join('\n')}`;
  }

  /**
   * Sends `signal` and waits (bounded by `exitTimeoutMs`, 10 s unless given) for the exit. SIGKILL
   * is what a crash or an OOM kill looks like to the service: no shutdown hook runs.
   */
  async kill(
    signal: NodeJS.Signals = 'SIGKILL',
    exitTimeoutMs: number = EXIT_TIMEOUT_MS,
  ): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), exitTimeoutMs);
    });
    const result = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.#exited;
      if (signal !== 'SIGKILL') {
        throw new Error(
          `${this.options.name} did not exit within ${String(exitTimeoutMs)} ms of ${signal}; killed\n${this.outputTail()}`,
        );
      }
    }
  }

  /** Stops this process if it still runs (SIGTERM) and starts a new one with the same options. */
  async restart(env: Readonly<Record<string, string>> = {}): Promise<ServiceProcess> {
    await this.kill('SIGTERM');
    return ServiceProcess.start({ ...this.options, env: { ...this.options.env, ...env } });
  }

  /** How the process ended, once it has. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.#exit;
  }
}

/** Kills every service this module started; every file calls it in afterAll. */
export async function killAllServices(): Promise<void> {
  await Promise.all([...running].map((service) => service.kill('SIGKILL')));
}
