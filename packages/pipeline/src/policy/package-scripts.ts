/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
// Every workspace package answers the same three stages, so `turbo run lint typecheck test` covers
// the whole repository: `lint`, `typecheck`, and a test stage: `test`, or for a package whose only
// suite belongs to a later stage, `test:integration`, `test:browser` or `test:faults`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repository.js';

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly scripts: Readonly<Record<string, string>>;
}

const TEST_STAGES = ['test', 'test:integration', 'test:browser', 'test:faults'] as const;

export function missingScripts(pkg: WorkspacePackage): string[] {
  const missing: string[] = [];
  for (const script of ['lint', 'typecheck']) if (!pkg.scripts[script]) missing.push(script);
  if (!TEST_STAGES.some((stage) => pkg.scripts[stage])) {
    missing.push('test (or test:integration, test:browser, test:faults)');
  }
  return missing;
}

/** The workspace's packages as pnpm sees them (pnpm-workspace.yaml's globs), without the root. */
export function listWorkspacePackages(root: string = repoRoot): WorkspacePackage[] {
  const listed = JSON.parse(
    execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as { name: string; path: string }[];
  return listed
    .filter((entry) => path.resolve(entry.path) !== path.resolve(root))
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(path.join(entry.path, 'package.json'), 'utf8')) as {
        scripts?: Record<string, string>;
      };
      return {
        name: entry.name,
        dir: path.relative(root, entry.path),
        scripts: manifest.scripts ?? {},
      };
    });
}
