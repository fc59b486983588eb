import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuSecondsWithChildren } from './process-stats.js';

/** Busy-loops for `ms` of wall time in a child of its own, then exits. */
const BURN = (ms: number) => `const end = Date.now() + ${String(ms)}; while (Date.now() < end);`;

/**
 * A parent that, on a line on stdin, forks a child that burns CPU and exits, then reports the
 * child gone on stdout; the parent itself stays idle until stdin closes.
 */
const PARENT = `
const { spawn } = require('node:child_process');
process.stdin.once('data', () => {
  spawn(process.execPath, ['-e', ${JSON.stringify(BURN(400))}], { stdio: 'ignore' })
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
      // The child burned about 0.4 s of CPU and is gone: only the parent's reaped-children time
      // still holds it.
      expect(after - before).toBeGreaterThanOrEqual(0.3);
    } finally {
      parent.stdin.end();
      await once(parent, 'exit');
    }
  });
});
