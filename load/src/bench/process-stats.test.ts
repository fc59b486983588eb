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

describe('cpuSecondsWithChildren', () => {
  it('keeps the CPU of a child that exited between two readings', async () => {
    const parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const pid = parent.pid ?? 0;
      const before = await cpuSecondsWithChildren(pid);
      parent.stdin.write('go\n');
      await once(parent.stdout, 'data');
      const after = await cpuSecondsWithChildren(pid);
      // The child burned 0.3 s of CPU and is gone: only the parent's reaped-children time
      // still holds it.
      expect(after - before).toBeGreaterThanOrEqual(0.25);
    } finally {
      parent.stdin.end();
      await once(parent, 'exit');
    }
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
    const child = spawn(process.execPath, ['-e', THREADED], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pid = child.pid ?? 0;
      const before = await threadCpuSeconds(pid);
      child.stdin.write('go\n');
      await once(child.stdout, 'data');
      const after = await threadCpuSeconds(pid);
      const whole = await cpuSeconds([pid]);
      expect(after.main - before.main, 'main thread').toBeGreaterThanOrEqual(0.25);
      expect(after.threadpool - before.threadpool, 'threadpool').toBeGreaterThanOrEqual(0.1);
      // Every thread is in one group: the groups add up to the process's own figure, within a
      // clock tick per thread.
      const groups = after.main + after.v8Helpers + after.threadpool + after.other;
      expect(Math.abs(groups - whole)).toBeLessThanOrEqual(0.2);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  });
});
