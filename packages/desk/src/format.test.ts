import { describe, expect, it } from 'vitest';
import { timeLeft } from './format.js';

describe('time left before the deadline', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  it('counts down, then counts how late', () => {
    expect(timeLeft('2026-12-06T11:59:30Z', now)).toBe('23 h 59 min left');
    expect(timeLeft('2026-12-05T12:05:00Z', now)).toBe('0 h 05 min left');
    expect(timeLeft('2026-12-05T10:30:00Z', now)).toBe('overdue by 1 h 30 min');
  });
});
