import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { QueueSyncResult } from './queue-sync/queue-sync.js';
import { MastercomSyncScheduler } from './sync-scheduler.js';

const result: QueueSyncResult = {
  queues: [],
  acknowledged: 0,
  acknowledgementCalls: 0,
  acknowledgementFailures: 0,
};

function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(check, 5);
    };
    check();
  });
}

describe('MastercomSyncScheduler', () => {
  it('runs again after a failed run, never two runs at once, and stop waits for the run in progress', async () => {
    let running = 0;
    let overlapped = false;
    let calls = 0;
    let finished = 0;
    const failures: string[] = [];
    const sync = {
      async run() {
        calls += 1;
        running += 1;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        finished += 1;
        if (calls === 1) throw new Error('Mastercom unavailable');
        return result;
      },
    };
    const scheduler = new MastercomSyncScheduler(
      {
        sync,
        logger: pino({ level: 'silent' }),
        metrics: { increment: (name: string) => void failures.push(name) },
      },
      { intervalMs: 5, firstRunDelayMs: 0 },
    );
    scheduler.start();
    await waitFor(() => calls >= 3);
    await scheduler.stop();
    const stoppedAt = calls;
    expect(finished).toBe(calls);
    expect(overlapped).toBe(false);
    expect(failures).toEqual(['sync.failed']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls).toBe(stoppedAt);
  });
});
