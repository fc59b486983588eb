import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueWakeup } from './queue-wakeup.js';

describe('QueueWakeup', () => {
  let sent: number[];
  let wakeup: QueueWakeup;
  const WINDOW = 50;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    wakeup = new QueueWakeup(
      () => {
        sent.push(Date.now());
        return Promise.resolve();
      },
      { windowMs: WINDOW, onError: () => undefined, now: () => Date.now() },
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes at once after a quiet window', () => {
    const start = Date.now();
    wakeup.request();
    expect(sent).toEqual([start]);
  });

  it('sends one wake-up per window however many commits ask, and one after the last', async () => {
    const start = Date.now();
    for (let ms = 0; ms < 200; ms += 5) {
      wakeup.request();
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(sent.map((at) => at - start)).toEqual([0, 50, 100, 150, 200]);
  });

  it('never leaves a request without a wake-up at or after it, within the window', async () => {
    const start = Date.now();
    const asked: number[] = [];
    for (const gap of [1, 70, 3, 3, 49, 120, 0, 10]) {
      await vi.advanceTimersByTimeAsync(gap);
      asked.push(Date.now() - start);
      wakeup.request();
    }
    await vi.advanceTimersByTimeAsync(WINDOW);
    const times = sent.map((at) => at - start);
    for (const at of asked) {
      expect(times.some((wake) => wake >= at && wake <= at + WINDOW)).toBe(true);
    }
    const gaps = times.slice(1).map((wake, index) => wake - (times[index] ?? 0));
    expect(gaps.filter((gap) => gap < WINDOW)).toEqual([]);
  });

  it('reports a failed wake-up and keeps waking', async () => {
    const errors: unknown[] = [];
    const failing = new QueueWakeup(() => Promise.reject(new Error('database away')), {
      windowMs: WINDOW,
      onError: (error) => errors.push(error),
    });
    failing.request();
    await vi.advanceTimersByTimeAsync(WINDOW);
    failing.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(2);
  });
});
