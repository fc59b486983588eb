import { describe, expect, it } from 'vitest';
import { isServiceReadyMessage, SERVICE_READY } from './service-ready.js';

describe('isServiceReadyMessage', () => {
  it('accepts the service’s message and nothing else', () => {
    const ready = {
      type: SERVICE_READY,
      url: 'http://127.0.0.1:41234',
      port: 41234,
      role: 'all',
      version: '0.1.0',
    };
    expect(isServiceReadyMessage(ready)).toBe(true);
    expect(isServiceReadyMessage({ ...ready, type: 'ready' })).toBe(false);
    expect(isServiceReadyMessage({ ...ready, port: 0 })).toBe(false);
    expect(isServiceReadyMessage({ ...ready, port: '41234' })).toBe(false);
    expect(isServiceReadyMessage('mastercom-service:ready')).toBe(false);
    expect(isServiceReadyMessage(null)).toBe(false);
  });
});
