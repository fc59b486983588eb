import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from './retry-backoff.js';

describe('retryDelayMs', () => {
  const options = { baseMs: 1000, capMs: 60_000 };

  it('spreads the delay between 0 and the exponential step', () => {
    expect(retryDelayMs(3, options, () => 0)).toBe(0);
    expect(retryDelayMs(3, options, () => 0.999999)).toBe(7999);
  });

  it('never waits longer than the cap, however many attempts', () => {
    expect(retryDelayMs(50, options, () => 0.999999)).toBeLessThan(60_000);
  });

  it('never comes back sooner than Retry-After asked', () => {
    expect(retryDelayMs(0, { ...options, retryAfterMs: 30_000 }, () => 0.5)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(
      parseRetryAfter('Thu, 26 Nov 2026 10:00:10 GMT', Date.parse('2026-11-26T10:00:00Z')),
    ).toBe(10_000);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
