import { describe, expect, it } from 'vitest';
import { splitAlertDelivery } from './alert-delivery.js';
import { createAlertDelivery, exampleAlert } from './fixtures/index.js';

describe('splitAlertDelivery', () => {
  it('splits a batch into its alerts, in order', () => {
    const delivery = createAlertDelivery(9, 3);
    expect(splitAlertDelivery(delivery)).toEqual({
      ok: true,
      alerts: delivery.alerts,
      batch: true,
    });
  });

  it('treats an object without an alerts key as one alert', () => {
    expect(splitAlertDelivery(exampleAlert)).toEqual({
      ok: true,
      alerts: [exampleAlert],
      batch: false,
    });
  });

  it('passes invalid items through for per-alert validation', () => {
    const split = splitAlertDelivery({ alerts: [exampleAlert, 'junk', null] });
    expect(split).toEqual({ ok: true, alerts: [exampleAlert, 'junk', null], batch: true });
  });

  it('says what it got when it rejects', () => {
    expect(splitAlertDelivery([])).toEqual({
      ok: false,
      reason:
        'body: expected an object with an alerts array or a single alert object, got an array',
    });
    expect(splitAlertDelivery({ alerts: 'x' })).toEqual({
      ok: false,
      reason: 'alerts: expected an array of alerts, got a string',
    });
  });
});
