import { describe, expect, it } from 'vitest';
import { localTimestampSchema, parseLocalTimestamp } from './local-timestamp.js';

describe('parseLocalTimestamp', () => {
  it('keeps the raw string and normalises the wall clock without inventing an offset', () => {
    expect(parseLocalTimestamp('2026-03-04T09:12:44')).toEqual({
      raw: '2026-03-04T09:12:44',
      wallClock: '2026-03-04T09:12:44.000',
    });
    expect(parseLocalTimestamp('2026-03-04T09:12:44.1')?.wallClock).toBe('2026-03-04T09:12:44.100');
  });

  it('knows leap years and month lengths', () => {
    expect(parseLocalTimestamp('2028-02-29T00:00:00')).toBeDefined();
    expect(parseLocalTimestamp('2000-02-29T00:00:00')).toBeDefined();
    expect(parseLocalTimestamp('2100-02-29T00:00:00')).toBeUndefined();
    expect(parseLocalTimestamp('2026-04-31T00:00:00')).toBeUndefined();
    expect(parseLocalTimestamp('2026-13-01T00:00:00')).toBeUndefined();
    expect(parseLocalTimestamp('2026-12-31T23:59:59.999')).toBeDefined();
  });

  it('rejects offsets, zones and other formats', () => {
    for (const raw of [
      '2026-03-04T09:12:44Z',
      '2026-03-04T09:12:44+01:00',
      '2026-03-04 09:12:44',
      '04/03/2026',
    ]) {
      expect(parseLocalTimestamp(raw)).toBeUndefined();
      expect(localTimestampSchema.safeParse(raw).success).toBe(false);
    }
  });
});
