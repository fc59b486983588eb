/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
// `pnpm turbo run policy`: the repository's own rules. Every check runs and reports even when an
// earlier one failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listRepositoryFiles, packageBin, repoPath, repoRoot } from '../repository.js';
import { checkOwnership } from './codeowners.js';
import { findFocusedTests, isTestFile } from './focused-tests.js';
import { listWorkspacePackages, missingScripts } from './package-scripts.js';

const failures: string[] = [];
const fail = (message: string) => {
  failures.push(message);
  console.error(message);
};
const files = listRepositoryFiles();

// sherif: one version per dependency across the workspace, sorted manifests, no stray packages.
const sherif = spawnSync(packageBin('sherif'), [], { cwd: repoRoot, encoding: 'utf8' });
if (sherif.status === 0)
  console.log(
    `sherif: no errors${sherif.stdout.includes('warning') ? ` (warnings below)\n${sherif.stdout.trim()}` : ''}`,
  );
else fail(`sherif: monorepo consistency errors\n${sherif.stdout}${sherif.stderr}`);

const codeowners = repoPath('CODEOWNERS');
if (!existsSync(codeowners)) {
  fail('codeowners: CODEOWNERS is missing at the repository root');
} else {
  const report = checkOwnership(readFileSync(codeowners, 'utf8'), files);
  for (const error of report.errors) fail(`codeowners: ${error}`);
  for (const file of report.unowned) fail(`codeowners: ${file} has no owner`);
  for (const rule of report.stale)
    fail(`codeowners: line ${rule.line} (${rule.pattern}) matches no file`);
  if (report.errors.length + report.unowned.length + report.stale.length === 0) {
    console.log(`codeowners: all ${files.length} files have an owner`);
  }
}

const packages = listWorkspacePackages();
let scriptProblems = 0;
for (const pkg of packages) {
  const missing = missingScripts(pkg);
  if (missing.length > 0) {
    scriptProblems++;
    fail(`scripts: ${pkg.name} (${pkg.dir}) has no ${missing.join(', ')} script`);
  }
}
if (scriptProblems === 0)
  console.log(`scripts: all ${packages.length} packages have lint, typecheck and test`);

const testFiles = files.filter((file) => isTestFile(file) && existsSync(path.join(repoRoot, file)));
const focused = testFiles.flatMap((file) =>
  findFocusedTests(file, readFileSync(path.join(repoRoot, file), 'utf8')),
);
for (const found of focused) fail(`focused tests: ${found.file}:${found.line} ${found.call}`);
if (focused.length === 0) console.log(`focused tests: none in ${testFiles.length} test files`);

process.exitCode = failures.length > 0 ? 1 : 0;
