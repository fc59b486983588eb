import { describe, expect, it } from 'vitest';
import { percentile, percentileCurve, summarise } from './percentiles.js';

describe('percentiles', () => {
  const samples = Array.from({ length: 1000 }, (_unused, index) => index + 1);

  it('uses the nearest rank: the smallest value with at least p % of samples at or below it', () => {
    expect(percentile(samples, 50)).toBe(500);
    expect(percentile(samples, 99)).toBe(990);
    expect(percentile(samples, 99.9)).toBe(999);
    expect(percentile(samples, 100)).toBe(1000);
    expect(percentile([], 99)).toBe(0);
  });

  it('summarises unsorted samples without changing them', () => {
    const shuffled = [5, 1, 4, 2, 3];
    expect(summarise(shuffled)).toEqual({
      count: 5,
      p50: 3,
      p90: 5,
      p95: 5,
      p99: 5,
      p999: 5,
      max: 5,
      mean: 3,
    });
    expect(shuffled).toEqual([5, 1, 4, 2, 3]);
  });

  it('draws the curve only as far into the tail as the samples reach', () => {
    expect(percentileCurve(samples).map((point) => point.p)).toEqual([
      0, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9,
    ]);
    expect(percentileCurve(samples).at(-1)).toEqual({ p: 99.9, value: 999 });
  });
});
