import { describe, expect, it } from 'vitest';
import { mastercomErrorFromResponse, MastercomError } from './mastercom-error.js';

const base = { operation: 'create case', requestId: 'req-1' };

describe('mastercomErrorFromResponse', () => {
  it('reads the Mastercom v6 envelope, name/value details included', () => {
    const error = mastercomErrorFromResponse({
      ...base,
      status: 400,
      bodyText: JSON.stringify({
        Errors: [
          {
            RequestId: '98765',
            Source: 'SYSTEM',
            ReasonCode: 'INVALID_REQUEST',
            Description: 'memo is required',
            Recoverable: false,
            Details: [{ Name: 'memo', Value: 'is required' }],
          },
        ],
      }),
    });
    expect(error).toBeInstanceOf(MastercomError);
    expect(error).toMatchObject({
      kind: 'rejected',
      status: 400,
      reasonCode: 'INVALID_REQUEST',
      recoverable: false,
      requestId: 'req-1',
    });
    expect(error.errors[0]).toMatchObject({ details: 'memo: is required', requestId: '98765' });
    expect(error.message).toContain('memo is required');
  });

  it('reads the gateway envelope, with a lone error object and null details', () => {
    const error = mastercomErrorFromResponse({
      ...base,
      status: 429,
      retryAfterMs: 3000,
      bodyText: JSON.stringify({
        Errors: {
          Error: {
            Source: 'Gateway',
            ReasonCode: 'TOO_MANY_REQUESTS',
            Description: 'slow down',
            Recoverable: true,
            Details: null,
          },
        },
      }),
    });
    expect(error).toMatchObject({
      kind: 'unavailable',
      reasonCode: 'TOO_MANY_REQUESTS',
      recoverable: true,
      retryAfterMs: 3000,
    });
    expect(error.errors[0]?.details).toBeUndefined();
  });

  it('falls back on the status for a body in neither envelope', () => {
    const proxy = mastercomErrorFromResponse({
      ...base,
      status: 502,
      bodyText: '<html>Bad gateway</html>',
    });
    expect(proxy).toMatchObject({ reasonCode: 'HTTP_502', recoverable: true, errors: [] });
    expect(proxy.ambiguous).toBe(true);
    const notFound = mastercomErrorFromResponse({ ...base, status: 404, bodyText: '' });
    expect(notFound).toMatchObject({ reasonCode: 'HTTP_404', recoverable: false });
    expect(notFound.ambiguous).toBe(false);
  });

  it('lets a recoverable flag in the envelope make a 4xx worth repeating', () => {
    const error = mastercomErrorFromResponse({
      ...base,
      status: 409,
      bodyText: JSON.stringify({
        Errors: [{ Source: 'SYSTEM', ReasonCode: 'CLAIM_LOCKED', Recoverable: true }],
      }),
    });
    expect(error).toMatchObject({ kind: 'rejected', recoverable: true });
  });
});
