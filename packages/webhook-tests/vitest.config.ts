import { vitestConfig } from '@mastercom/tooling/vitest';

// Every file gets its own database cloned from a template migrated once per run; creating the
// server and the clones happens in hooks, which therefore get more time than the preset's default.
export default vitestConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
