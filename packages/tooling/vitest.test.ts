import { describe, expect, it } from 'vitest';
import preset, { vitestConfig } from './vitest.js';

describe('vitest preset', () => {
  it('keeps mocks, globals and environment stubs from leaking between tests', () => {
    expect(preset.test).toMatchObject({
      restoreMocks: true,
      mockReset: true,
      unstubEnvs: true,
      unstubGlobals: true,
      passWithNoTests: false,
    });
  });

  it('merges package overrides without dropping the strict defaults', () => {
    const merged = vitestConfig({ test: { testTimeout: 30_000, globalSetup: ['setup.ts'] } });
    expect(merged.test).toMatchObject({
      restoreMocks: true,
      testTimeout: 30_000,
      globalSetup: ['setup.ts'],
    });
  });
});
