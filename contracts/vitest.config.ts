import { vitestConfig } from '@mastercom/tooling/vitest';

// The redocly lint and the fast-check properties take a few seconds on the 2-core machines.
export default vitestConfig({ test: { testTimeout: 30_000 } });
