import { vitestConfig } from '@mastercom/tooling/vitest';

// The package tests its own global setup the way a consumer uses it. Starting PostgreSQL happens
// in hooks, so hooks get more time than the preset's default.
export default vitestConfig({
  test: {
    globalSetup: ['src/postgres/vitest-global-setup.fixture.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
