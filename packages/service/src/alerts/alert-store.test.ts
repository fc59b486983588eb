import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './alert-store.js';

describe('alert list cursors', () => {
  it('round-trip the keyset position', () => {
    const cursor = {
      receivedAt: '2026-11-26T10:00:00.123456Z',
      alertId: 'B7QK2M9XW4ZP1RT8LN3VD6HCY',
    };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 json', 'not-a-cursor'],
    ['a json object instead of a pair', Buffer.from('{"a":1}').toString('base64url')],
    ['a pair with a bad date', Buffer.from('["yesterday","X"]').toString('base64url')],
    ['a pair of wrong types', Buffer.from('[1,2]').toString('base64url')],
  ])('refuse %s', (_name, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });
});
