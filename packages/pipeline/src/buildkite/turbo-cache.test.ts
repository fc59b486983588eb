/* eslint-disable security/detect-non-literal-fs-filename -- fixture files of this package */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeStepCache, stepCache } from './turbo-cache.js';

const recorded = readFileSync(
  new URL('fixtures/turbo-run-summary-2.11.11.json', import.meta.url),
  'utf8',
);

describe('stepCache, on a run summary Turbo 2.11.11 wrote', () => {
  it('counts replayed and run tasks, and keeps cache: false tasks apart', () => {
    const cache = stepCache([recorded]);
    expect(cache).toEqual({
      hits: 4,
      ran: ['@mastercom/pipeline#build'],
      uncacheable: ['//#security:audit'],
    });
    expect(describeStepCache(cache)).toBe(
      '4 of 5 cacheable tasks replayed; ran @mastercom/pipeline#build; never cached: //#security:audit',
    );
  });

  it('adds up the summaries of several turbo runs in one step', () => {
    const cache = stepCache([recorded, recorded]);
    expect(cache.hits).toBe(8);
    expect(cache.ran).toHaveLength(2);
  });

  it('refuses a file that is not a run summary', () => {
    expect(() => stepCache(['{"id":"x"}'])).toThrow('not a Turbo run summary');
  });
});
