import { vitestConfig } from '@mastercom/tooling/vitest';
import { configDefaults } from 'vitest/config';

// `test:containers` runs these through src/stage/container-stage-cli.ts, which provides the
// runtime and the images first and passes them in the environment. Building the release image on
// a cold machine takes minutes, so hooks get ten. The two files run side by side: the integration
// suite mostly waits on its own timers while the other file builds images, which is how both fit
// on a two-core agent.
export default vitestConfig({
  test: {
    exclude: [...configDefaults.exclude, 'src/**'],
    hookTimeout: 600_000,
    testTimeout: 600_000,
    maxWorkers: 2,
  },
});
