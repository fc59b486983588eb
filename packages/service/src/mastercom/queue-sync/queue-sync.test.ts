import { describe, expect, it } from 'vitest';
import { mastercomMinute, queueIntervals } from './queue-sync.js';

const DAY = 86_400_000;

describe('queueIntervals', () => {
  it('cuts a 30-day lookback into six intervals of at most five days that meet end to end', () => {
    const to = new Date('2026-11-26T10:44:00Z');
    const from = new Date(to.getTime() - 30 * DAY);
    const intervals = queueIntervals(from, to);
    expect(intervals).toHaveLength(6);
    expect(intervals[0]?.from).toEqual(from);
    expect(intervals.at(-1)?.to).toEqual(to);
    for (const interval of intervals) {
      expect(interval.to.getTime() - interval.from.getTime()).toBeLessThanOrEqual(5 * DAY);
    }
    // Each interval starts where the previous one ended: nothing falls between them.
    expect(intervals.slice(1).map((interval) => interval.from)).toEqual(
      intervals.slice(0, -1).map((interval) => interval.to),
    );
  });

  it('reads a short or empty range as one interval', () => {
    const at = new Date('2026-11-26T10:44:00Z');
    expect(queueIntervals(new Date(at.getTime() - 60_000), at)).toHaveLength(1);
    expect(queueIntervals(at, at)).toEqual([{ from: at, to: at }]);
  });
});

describe('mastercomMinute', () => {
  it('writes UTC at minute resolution, the format of queue reads', () => {
    expect(mastercomMinute(new Date('2026-03-04T09:05:59.999Z'))).toBe('2026-03-04T09:05');
  });
});
