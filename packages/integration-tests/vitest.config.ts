import { vitestConfig } from '@mastercom/tooling/vitest';

// Each file starts the built service as a child process on its own cloned database and waits for
// outcomes to travel through real HTTP, so hooks and tests get more time than the preset's
// default. Two files run at a time: each one already runs a service, PostgreSQL sessions and two
// mock servers, which is what a two-core CI agent can carry.
export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 60_000,
    testTimeout: 90_000,
    maxWorkers: 2,
  },
});
