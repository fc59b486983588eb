import { describe, expect, it } from 'vitest';
import { releaseImageName } from './release-image.js';

describe('releaseImageName', () => {
  it('is the same for one checkout and different for another', () => {
    const name = releaseImageName('/work/checkout-a');
    expect(name).toMatch(/^localhost\/mastercom-service:stage-[0-9a-f]{12}$/);
    expect(releaseImageName('/work/checkout-a')).toBe(name);
    expect(releaseImageName('/work/checkout-b')).not.toBe(name);
  });
});
