import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '@mastercom/service/node-flags';

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Where `pnpm build` puts the service's production entry point. */
export function serviceMainPath(): string {
  return fileURLToPath(new URL('./main.js', import.meta.resolve('@mastercom/service')));
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

function exitedEarly(child: ChildProcess): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) => {
      reject(
        new Error(
          `exited before it was ready (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
        ),
      );
    });
  });
}

/** The bare Express route of the HTTP ceiling, in its own process. */
export async function startBareServer(): Promise<RunningServer> {
  const script = fileURLToPath(new URL('./bare-http-server.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await Promise.race([
    new Promise<number>((resolve) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const match = /listening (\d+)/.exec(buffer);
        if (match) resolve(Number(match[1]));
      });
    }),
    exitedEarly(child),
    sleep(15_000).then(() => {
      throw new Error('the bare HTTP server did not start within 15 s');
    }),
  ]);
  return {
    pid: child.pid ?? 0,
    url: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child, 5_000),
  };
}

/**
 * Starts `node packages/service/dist/main.js` as production does (with the Dockerfile's heap flags), with its log going to a file:
 * at info level the service logs every request, and a pipe that the bench had to read would put
 * the bench's own CPU into the measurement. The port comes from the service's ready line.
 */
export async function startService(
  env: Readonly<Record<string, string>>,
  logFile: string,
  options: { startupTimeoutMs?: number; nodeArgs?: readonly string[] } = {},
): Promise<RunningServer> {
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000;
  // The log path is the bench's own report directory.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [...SERVICE_NODE_FLAGS, ...(options.nodeArgs ?? []), serviceMainPath()],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const deadline = Date.now() + startupTimeoutMs;
  const early = exitedEarly(child);
  early.catch(() => undefined);
  let exitError: Error | undefined;
  early.catch((error: unknown) => {
    exitError = error as Error;
  });
  for (;;) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const ready = text
      .split('\n')
      .map((line) => {
        try {
          return JSON.parse(line) as { msg?: string; port?: number };
        } catch {
          return {};
        }
      })
      .find(
        (entry) => typeof entry.port === 'number' && entry.msg?.includes(' ready on ') === true,
      );
    if (ready?.port !== undefined) {
      return {
        pid: child.pid ?? 0,
        url: `http://127.0.0.1:${ready.port}`,
        stop: () => stopChild(child, 20_000),
      };
    }
    if (exitError !== undefined || Date.now() > deadline) {
      await stopChild(child, 5_000);
      const tail = text.split('\n').slice(-15).join('\n');
      throw new Error(
        `the service ${exitError ? exitError.message : `was not ready within ${startupTimeoutMs} ms`}; last log lines:\n${tail}`,
      );
    }
    await sleep(100);
  }
}
