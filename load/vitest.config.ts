import { vitestConfig } from '@mastercom/tooling/vitest';

// The bench smoke test starts PostgreSQL, the built service and the mocks, and runs five short
// phases on a 2-core machine: it needs minutes, not the preset's seconds.
export default vitestConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } });
