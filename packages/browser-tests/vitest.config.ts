import { vitestConfig } from '@mastercom/tooling/vitest';

// Each file starts the built service and a Chromium; one file at a time, with time for both.
export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 120_000,
    testTimeout: 60_000,
    maxWorkers: 1,
  },
});
