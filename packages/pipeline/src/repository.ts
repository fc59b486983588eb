/* eslint-disable security/detect-non-literal-fs-filename -- paths come from git's listing of this repository */
// Paths and file listings of the repository this package lives in.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root: this file is packages/pipeline/{src,dist}/repository.{ts,js}. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function repoPath(...segments: string[]): string {
  return path.join(repoRoot, ...segments);
}

/**
 * Files git tracks plus untracked files that are not ignored: what a commit of the working tree
 * would contain. Policies judge that, not build output or node_modules.
 */
export function listRepositoryFiles(root: string = repoRoot): string[] {
  const output = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // A file deleted in the working tree but still in the index is not part of that commit.
  return [...new Set(output.split('\0'))]
    .filter((file) => file !== '' && existsSync(path.join(root, file)))
    .sort();
}

/** A command-line tool installed for this package (node_modules/.bin). */
export function packageBin(name: string): string {
  return repoPath('packages', 'pipeline', 'node_modules', '.bin', name);
}
