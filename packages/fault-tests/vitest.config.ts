import { vitestConfig } from '@mastercom/tooling/vitest';

// Each scenario file starts the built service as a child process on its own cloned database and
// drives it for tens of seconds, so hooks and tests get generous bounds; the long variant
// (FAULTS_SCALE=long) runs the same files with larger counts and gets longer still. Two files run
// at a time, which is what a two-core CI agent can carry beside PostgreSQL.
const long = process.env.FAULTS_SCALE === 'long';

export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: long ? 1_800_000 : 180_000,
    testTimeout: long ? 1_800_000 : 180_000,
    maxWorkers: 2,
  },
});
