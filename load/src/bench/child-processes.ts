import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isServiceReadyMessage } from '@mastercom/contracts';
import { SERVICE_NODE_FLAGS } from '@mastercom/service/node-flags';

export interface RunningServer {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Where `pnpm build` puts the service's production entry point (its `./main` export). */
export function serviceMainPath(): string {
  return fileURLToPath(import.meta.resolve('@mastercom/service/main'));
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
 * Starts `node packages/service/dist/main.js` as production does (with the Dockerfile's heap
 * flags), with its log going to a file: at info level the service logs every request, and a pipe
 * that the bench had to read would put the bench's own CPU into the measurement. The port comes
 * from the service's readiness message on its IPC channel.
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
      stdio: ['ignore', log, log, 'ipc'],
    },
  );
  closeSync(log);
  const early = exitedEarly(child);
  early.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([
      new Promise<number>((resolve) => {
        child.on('message', (message) => {
          if (isServiceReadyMessage(message)) resolve(message.port);
        });
      }),
      early,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`was not ready within ${String(startupTimeoutMs)} ms`));
        }, startupTimeoutMs);
      }),
    ]);
    // The channel has done its work; left open it would keep the bench's event loop alive.
    child.disconnect();
    return {
      pid: child.pid ?? 0,
      url: `http://127.0.0.1:${String(port)}`,
      stop: () => stopChild(child, 20_000),
    };
  } catch (error) {
    await stopChild(child, 5_000);
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const tail = text.split('\n').slice(-15).join('\n');
    throw new Error(`the service ${(error as Error).message}; last log lines:\n${tail}`);
  } finally {
    clearTimeout(timer);
  }
}
