import { vitestConfig } from '@mastercom/tooling/vitest';
import { configDefaults } from 'vitest/config';

// `test`: the unit tests of the stage's own logic. The suites in test/ need a container runtime
// and run only through the stage (vitest.containers.config.ts).
export default vitestConfig({
  test: {
    exclude: [...configDefaults.exclude, 'test/**'],
  },
});
