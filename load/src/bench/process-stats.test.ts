import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuSecondsWithChildren } from './process-stats.js';

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
