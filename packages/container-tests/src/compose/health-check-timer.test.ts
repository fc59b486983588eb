import { describe, expect, it } from 'vitest';
import { dueChecks, healthCheckIntervalMs } from './health-check-timer.js';

describe('the health-check timer', () => {
  it("reads inspect's nanosecond interval, falling back to the 30 s default", () => {
    expect(healthCheckIntervalMs(5_000_000_000)).toBe(5_000);
    expect(healthCheckIntervalMs(0)).toBe(30_000);
    expect(healthCheckIntervalMs(undefined)).toBe(30_000);
  });

  it('checks a new container at once and then once per its own interval', () => {
    const intervals = new Map([
      ['postgres', 5_000],
      ['service', 10_000],
    ]);
    expect(dueChecks(intervals, new Map(), 1_000)).toEqual(['postgres', 'service']);
    const lastRun = new Map([
      ['postgres', 1_000],
      ['service', 1_000],
    ]);
    expect(dueChecks(intervals, lastRun, 5_999)).toEqual([]);
    expect(dueChecks(intervals, lastRun, 6_000)).toEqual(['postgres']);
    expect(dueChecks(intervals, lastRun, 11_000)).toEqual(['postgres', 'service']);
  });
});
