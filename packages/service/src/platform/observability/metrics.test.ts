import { describe, expect, it } from 'vitest';
import { createMetrics, MOCK_LINES_KEPT } from './metrics.js';

describe('createMetrics without an agent', () => {
  it('keeps the recent mock lines for tests to read, not every line ever sent', () => {
    const metrics = createMetrics({ port: 8125, globalTags: {} });
    for (let index = 0; index < 5 * MOCK_LINES_KEPT; index += 1)
      metrics.increment('webhook.received');
    metrics.increment('webhook.last');
    expect(metrics.mockBuffer?.length).toBeGreaterThanOrEqual(MOCK_LINES_KEPT);
    expect(metrics.mockBuffer?.length).toBeLessThanOrEqual(2 * MOCK_LINES_KEPT);
    expect(metrics.mockBuffer?.at(-1)).toBe('mastercom.webhook.last:1|c');
    metrics.close();
  });
});
