import { vitestConfig } from '@mastercom/tooling/vitest';

// Each scenario file starts the built service as a child process on its own cloned database and
// drives it for tens of seconds, so hooks and tests get generous bounds; the long variant
// (FAULTS_SCALE=long) runs the same files with larger counts and gets longer still. The short
// variant runs two files at a time, which a two-core CI agent carries beside PostgreSQL; the long
// one runs them one after another: each scenario's rate is meant for the service alone, and two
// long scenarios side by side on two cores measured each other (a 200 req/s retry storm next to
// 500 req/s of restarts ran the test process out of file descriptors).
const long = process.env.FAULTS_SCALE === 'long';

export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: long ? 1_800_000 : 180_000,
    testTimeout: long ? 1_800_000 : 180_000,
    maxWorkers: long ? 1 : 2,
  },
});
