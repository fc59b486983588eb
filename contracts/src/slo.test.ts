import { describe, expect, it } from 'vitest';
import {
  ACK_BUDGET_MS,
  ACK_LATENCY_MS,
  deadlineBucket,
  OUTCOME_CRITICAL_AGE_MS,
  OUTCOME_DEADLINE_MS,
  OUTCOME_RETRY_BUDGET_MS,
  OUTCOME_WARNING_AGE_MS,
  SLO,
} from './slo.js';

const HOUR = 3_600_000;

describe('SLOs', () => {
  it('keeps the numbers consistent with each other', () => {
    expect(ACK_LATENCY_MS.p95).toBeLessThan(ACK_LATENCY_MS.p99);
    expect(ACK_LATENCY_MS.p99).toBeLessThan(ACK_LATENCY_MS.p999);
    expect(ACK_LATENCY_MS.p999).toBeLessThan(ACK_BUDGET_MS);
    expect(OUTCOME_WARNING_AGE_MS).toBeLessThan(OUTCOME_CRITICAL_AGE_MS);
    expect(OUTCOME_CRITICAL_AGE_MS).toBeLessThan(OUTCOME_DEADLINE_MS);
    expect(OUTCOME_RETRY_BUDGET_MS).toBeLessThan(OUTCOME_DEADLINE_MS);
    expect(SLO.errorRateCeiling).toBeGreaterThan(0);
    expect(SLO.errorRateCeiling).toBeLessThan(0.01);
  });

  it('states the external limits exactly', () => {
    expect(ACK_BUDGET_MS).toBe(30_000);
    expect(OUTCOME_DEADLINE_MS).toBe(24 * HOUR);
  });

  it('buckets ages at 12 h, 20 h and 24 h', () => {
    expect(deadlineBucket(0)).toBe('ok');
    expect(deadlineBucket(12 * HOUR - 1)).toBe('ok');
    expect(deadlineBucket(12 * HOUR)).toBe('warning');
    expect(deadlineBucket(20 * HOUR)).toBe('critical');
    expect(deadlineBucket(24 * HOUR)).toBe('overdue');
  });
});
