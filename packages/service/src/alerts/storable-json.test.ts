import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsDepth, findUnstorableText } from './storable-json.js';

describe('exceedsDepth', () => {
  it('counts object and array levels', () => {
    expect(exceedsDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsDepth({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(exceedsDepth('text', 0)).toBe(false);
  });

  it('agrees with a recursive count of levels on any JSON value (property)', () => {
    // Levels of objects and arrays: a leaf has none, `{}` one, `[{}]` two.
    const levels = (value: unknown): number =>
      typeof value === 'object' && value !== null
        ? 1 + Math.max(0, ...Object.values(value).map(levels))
        : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat(9), (value, limit) => {
        expect(exceedsDepth(value, limit)).toBe(levels(value) > limit);
      }),
    );
  });

  it('handles nesting far deeper than the call stack allows', () => {
    let value: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) value = [value];
    expect(exceedsDepth(value, 32)).toBe(true);
  });
});

describe('findUnstorableText', () => {
  it('finds NUL characters and unpaired surrogates in values and keys', () => {
    expect(findUnstorableText({ a: 'fine', b: ['x', 'y\u0000'] })).toEqual(['b', 1]);
    expect(findUnstorableText({ a: { 'k\ud800': 1 } })).toEqual(['a', 'k\ud800']);
    expect(findUnstorableText({ a: 'lone \udc00' })).toEqual(['a']);
  });

  it('accepts well-formed text, including characters outside the BMP', () => {
    expect(findUnstorableText({ a: 'emoji \u{1F600}', b: [1, null, true] })).toBeUndefined();
  });
});
