import { describe, expect, it } from 'vitest';
import { alertHref, parseRoute, queueHref } from './routing.js';

describe('desk routes', () => {
  it('round-trips queue filters and alert ids through the hash', () => {
    const filters = {
      status: 'UNMATCHED' as const,
      type: 'CONFIRMEDFRAUD' as const,
      merchant: 'ACME & SONS%',
    };
    expect(parseRoute(queueHref(filters))).toEqual({ page: 'queue', filters });
    expect(parseRoute(alertHref('a/b c?d'))).toEqual({ page: 'alert', alertId: 'a/b c?d' });
  });

  it('drops filters the queue does not know and falls back to the queue', () => {
    expect(parseRoute('#/queue?status=OUTCOME_SENT&type=X&merchant=')).toEqual({
      page: 'queue',
      filters: {},
    });
    expect(parseRoute('')).toEqual({ page: 'queue', filters: {} });
    expect(parseRoute('#/alerts/%E0%A4%A')).toEqual({ page: 'queue', filters: {} });
  });
});
