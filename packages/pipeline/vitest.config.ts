import { vitestConfig } from '@mastercom/tooling/vitest';

// Some tests run real tools over the repository (secretlint, pnpm, bash scripts), which takes
// longer than the preset's default on a shared two-core machine.
export default vitestConfig({ test: { testTimeout: 60_000 } });
