import { describe, expect, it } from 'vitest';
import { wallClockFromPostgres } from './database.js';

describe('wallClockFromPostgres', () => {
  it('turns PostgreSQL timestamp text into the wall-clock form with milliseconds', () => {
    expect(wallClockFromPostgres('2026-03-04 09:12:44.12')).toBe('2026-03-04T09:12:44.120');
    expect(wallClockFromPostgres('2026-03-04 09:12:44')).toBe('2026-03-04T09:12:44.000');
    expect(wallClockFromPostgres('2026-03-04 09:12:44.123456')).toBe('2026-03-04T09:12:44.123');
  });

  it('leaves values it does not recognise alone', () => {
    expect(wallClockFromPostgres('infinity')).toBe('infinity');
  });
});
