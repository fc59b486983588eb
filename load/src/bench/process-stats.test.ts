import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuSeconds, cpuSecondsWithChildren, threadCpuSeconds } from './process-stats.js';

/**
 * Busy-loops until it has used `ms` of CPU, then exits. CPU time rather than wall time, so the
 * amount is the same on a machine busy with other work.
 */
const BURN = (ms: number) =>
  `const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
   while (cpuMs() < ${String(ms)});`;

/**
 * A parent that, on a line on stdin, forks a child that burns CPU and exits, then reports the
 * child gone on stdout; the parent itself stays idle until stdin closes.
 */
const PARENT = `
const { spawn } = require('node:child_process');
process.stdin.once('data', () => {
  spawn(process.execPath, ['-e', ${JSON.stringify(BURN(300))}], { stdio: 'ignore' })
    .on('exit', () => process.stdout.write('child gone\\n'));
});
process.stdin.resume();
`;

/**
 * Runs `script` in a Node process and reads it with `read` before and after its work: the script
 * starts the work on a line on stdin and says it is done with a line on stdout.
 */
async function readAroundWork<Reading>(
  script: string,
  read: (pid: number) => Promise<Reading>,
): Promise<{ before: Reading; after: Reading }> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pid = child.pid ?? 0;
    const before = await read(pid);
    child.stdin.write('go\n');
    await once(child.stdout, 'data');
    return { before, after: await read(pid) };
  } finally {
    child.stdin.end();
    await once(child, 'exit');
  }
}

describe('cpuSecondsWithChildren', () => {
  it('keeps the CPU of a child that exited between two readings', async () => {
    const { before, after } = await readAroundWork(PARENT, cpuSecondsWithChildren);
    // The child burned 0.3 s of CPU and is gone: only the parent's reaped-children time
    // still holds it.
    expect(after - before).toBeGreaterThanOrEqual(0.25);
  });
});

/**
 * A process that, on a line on stdin, keeps libuv's threadpool busy with PBKDF2 while its main
 * thread burns 0.3 s of its own CPU (`threadCpuUsage`: this thread only), then says so on stdout.
 */
const THREADED = `
const { pbkdf2 } = require('node:crypto');
const cpuMs = () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; };
process.stdin.once('data', () => {
  const start = cpuMs();
  let pending = 4;
  const done = () => { pending -= 1; if (pending === 0) process.stdout.write('done\\n'); };
  for (let i = 0; i < 3; i += 1) pbkdf2('secret', 'salt', 400000, 32, 'sha256', done);
  while (cpuMs() - start < 300);
  done();
});
process.stdin.resume();
`;

describe('threadCpuSeconds', () => {
  it("splits a process's CPU between its main thread and libuv's threadpool, as the kernel counts it", async () => {
    const { before, after } = await readAroundWork(THREADED, async (pid) => ({
      threads: await threadCpuSeconds(pid),
      whole: await cpuSeconds([pid]),
    }));
    expect(after.threads.main - before.threads.main, 'main thread').toBeGreaterThanOrEqual(0.25);
    expect(
      after.threads.threadpool - before.threads.threadpool,
      'threadpool',
    ).toBeGreaterThanOrEqual(0.1);
    // Every thread is in one group: the groups add up to the process's own figure, within a
    // clock tick per thread.
    const { main, v8Helpers, threadpool, other } = after.threads;
    expect(Math.abs(main + v8Helpers + threadpool + other - after.whole)).toBeLessThanOrEqual(0.2);
  });
});
