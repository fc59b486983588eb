import { vitestConfig } from '@mastercom/tooling/vitest';

// Some tests and their set-up run real tools over the repository (secretlint, pnpm, bash scripts,
// a temporary repository per release test), which takes longer than the preset's defaults on a
// shared two-core machine: a release fixture's set-up took over 10 s under the full gate.
// The files share no module state, so workers are reused across files: 27 s of user CPU instead
// of 36 s per run, same 219 tests.
export default vitestConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, isolate: false } });
