// Secret scanning with secretlint and its recommended rule preset, over every file a commit of the
// working tree would contain. The configuration is the repository's .secretlintrc.json, so the
// test that plants a key proves the same configuration the pipeline uses.
import { spawnSync } from 'node:child_process';
import { listRepositoryFiles, packageBin, repoPath, repoRoot } from '../repository.js';

export interface SecretScan {
  readonly ok: boolean;
  readonly files: number;
  /** secretlint's report, secrets masked. */
  readonly report: string;
}

export function scanForSecrets(files: readonly string[], cwd: string = repoRoot): SecretScan {
  const result = spawnSync(
    packageBin('secretlint'),
    [
      '--secretlintrc',
      repoPath('.secretlintrc.json'),
      '--maskSecrets',
      '--format',
      'stylish',
      ...files,
    ],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw result.error;
  // secretlint exits 1 for findings; anything else is a broken run, not a clean one.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`secretlint exited with ${result.status}: ${result.stderr}`);
  }
  return {
    ok: result.status === 0,
    files: files.length,
    report: `${result.stdout}${result.stderr}`.trim(),
  };
}

export function scanRepository(): SecretScan {
  return scanForSecrets(listRepositoryFiles());
}
