import { describe, expect, it } from 'vitest';
import { maskUrl } from './mask-request-url.js';

describe('maskUrl', () => {
  it('masks card numbers in path segments and query parts, however they are encoded', () => {
    expect(maskUrl('/api/v6/alerts/4111111111111111')).toBe('/api/v6/alerts/411111******1111');
    expect(maskUrl('/api/v6/cases/5555%205555%205555%204444')).toBe(
      `/api/v6/cases/${encodeURIComponent('555555******4444')}`,
    );
    expect(maskUrl('/x?pan=4012+8888+8888+1881&ok=1')).toBe(
      `/x?pan=${encodeURIComponent('401288******1881')}&ok=1`,
    );
    expect(maskUrl('/x?6011.1111.1111.1117=1')).toBe(
      `/x?${encodeURIComponent('601111******1117')}=1`,
    );
  });

  it('leaves a URL without card numbers exactly as it came, broken encoding included', () => {
    for (const url of [
      '/api/v6/cases?status=OPEN&limit=50',
      '/a%zz/b?c=%',
      '/api/v6/alerts/74123456789012345678901',
    ]) {
      expect(maskUrl(url)).toBe(url);
    }
    expect(maskUrl('/a%zz/4111-1111-1111-1111')).toBe('/a%zz/411111******1111');
  });
});
