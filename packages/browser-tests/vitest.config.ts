import { vitestConfig } from '@mastercom/tooling/vitest';

// Each file starts the built service and a Chromium; one file at a time, with time for both.
export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 120_000,
    // Each test is a whole flow with several accessibility scans. The desk's agent flow takes 7 s
    // and the API reference 2 s alone; with the gate's other suites on a starved machine they took
    // 44 s and 51 s, and past 60 s on a slower agent. The suite judges behaviour, not speed.
    testTimeout: 180_000,
    maxWorkers: 1,
    // A page renders in tens of milliseconds on a quiet machine and took more than the default
    // second to show the sign-in form while the gate ran every suite at once on two cores.
    expect: { poll: { timeout: 10_000 } },
  },
});
