import { vitestConfig } from '@mastercom/tooling/vitest';

// Each file starts the built service and a Chromium; one file at a time, with time for both.
export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 120_000,
    testTimeout: 60_000,
    maxWorkers: 1,
    // A page renders in tens of milliseconds on a quiet machine and took more than the default
    // second to show the sign-in form while the gate ran every suite at once on two cores.
    expect: { poll: { timeout: 10_000 } },
  },
});
