/** Latency percentiles from raw samples, nearest-rank: the value below which p % of samples lie. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  // The small tolerance keeps binary floating point (99.9 × 1000 / 100 = 999.0000000000001) from
  // moving the rank one sample up.
  const rank = Math.ceil((p * sorted.length) / 100 - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function summarise(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.at(-1) ?? 0,
    mean: sorted.length === 0 ? 0 : total / sorted.length,
  };
}

/** The points of a percentile curve: 0 to 99.999 on a log-of-1/(1-p) scale, as HDR plots draw it. */
export function percentileCurve(samples: readonly number[]): { p: number; value: number }[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const points = [0, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 99.999];
  return points
    .filter((p) => p === 0 || sorted.length * (100 - p) >= 100 - 1e-9)
    .map((p) => ({ p, value: p === 0 ? (sorted[0] ?? 0) : percentile(sorted, p) }));
}
