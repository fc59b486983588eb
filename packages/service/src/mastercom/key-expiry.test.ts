import { describe, expect, it } from 'vitest';
import { checkKeyExpiry } from './key-expiry.js';

describe('checkKeyExpiry', () => {
  const now = new Date('2026-11-26T10:00:00Z');
  const gauges: [string, number][] = [];
  const metrics = { gauge: (name: string, value: number) => void gauges.push([name, value]) };

  it('is ok with 30 days or more left and publishes the days as a gauge', () => {
    expect(checkKeyExpiry('2027-01-10', metrics, now)).toMatchObject({
      status: 'ok',
      daysRemaining: 44,
    });
    expect(gauges.at(-1)).toEqual(['api_key.days_to_expiry', 44]);
  });

  it('warns, and does not fail, when fewer than 30 days remain or the key has expired', () => {
    expect(checkKeyExpiry('2026-12-20', metrics, now)).toMatchObject({
      status: 'warn',
      daysRemaining: 23,
    });
    const expired = checkKeyExpiry('2026-11-01', metrics, now);
    expect(expired.status).toBe('warn');
    expect(expired.detail).toContain('expired on 2026-11-01');
  });
});
