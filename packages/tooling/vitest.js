// The one Vitest preset every package uses. Strict by default: mocks, stubbed globals and stubbed
// environment variables never leak from one test into the next.
import { defineConfig, mergeConfig } from 'vitest/config';

/** @type {import('vitest/config').ViteUserConfig} */
const preset = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    restoreMocks: true,
    mockReset: true,
    unstubEnvs: true,
    unstubGlobals: true,
    passWithNoTests: false,
    // A JUnit file for Buildkite's test annotations beside the usual console output.
    reporters: ['default', ['junit', { outputFile: 'reports/junit.xml' }]],
  },
});

/**
 * Extends the preset; packages with special needs (a global setup, longer timeouts) pass them here.
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 */
export function vitestConfig(overrides = {}) {
  return mergeConfig(preset, overrides);
}

export default preset;
