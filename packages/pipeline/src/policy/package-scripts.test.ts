import { describe, expect, it } from 'vitest';
import { listWorkspacePackages, missingScripts } from './package-scripts.js';

const complete = { lint: 'eslint .', typecheck: 'tsc --noEmit', test: 'vitest run' };

describe('missingScripts', () => {
  it('requires lint, typecheck and a test stage, accepting a later stage for test', () => {
    expect(missingScripts({ name: 'a', dir: 'a', scripts: complete })).toEqual([]);
    expect(
      missingScripts({
        name: 'b',
        dir: 'b',
        scripts: { lint: 'x', typecheck: 'y', 'test:integration': 'z' },
      }),
    ).toEqual([]);
    expect(
      missingScripts({
        name: 'f',
        dir: 'f',
        scripts: { lint: 'x', typecheck: 'y', 'test:faults': 'z' },
      }),
    ).toEqual([]);
    expect(
      missingScripts({
        name: 'g',
        dir: 'g',
        scripts: { lint: 'x', typecheck: 'y', 'test:browser': 'z' },
      }),
    ).toEqual([]);
    expect(missingScripts({ name: 'c', dir: 'c', scripts: { test: 'vitest run' } })).toEqual([
      'lint',
      'typecheck',
    ]);
    expect(missingScripts({ name: 'd', dir: 'd', scripts: { lint: 'x', typecheck: 'y' } })).toEqual(
      ['test (or test:integration, test:browser, test:faults)'],
    );
  });
});

describe('the workspace', () => {
  it('lists its packages through pnpm, and each has the three stages', () => {
    const packages = listWorkspacePackages();
    expect(packages.map((pkg) => pkg.name)).toEqual(
      expect.arrayContaining(['@mastercom/service', '@mastercom/contracts', '@mastercom/pipeline']),
    );
    expect(packages.map((pkg) => pkg.name)).not.toContain('mastercom-service-monorepo');
    expect(packages.filter((pkg) => missingScripts(pkg).length > 0).map((pkg) => pkg.name)).toEqual(
      [],
    );
  });
});
