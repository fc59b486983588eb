/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
// Writes .buildkite/pipeline.yml from the TypeScript definition, or with --check fails when the
// committed file differs from what the definition generates.
import { readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../repository.js';
import { pipelineYaml } from './pipeline.js';

const target = repoPath('.buildkite', 'pipeline.yml');
const generated = pipelineYaml();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is reported like a stale one below.
  }
  if (committed !== generated) {
    console.error(
      '.buildkite/pipeline.yml is out of date: run pnpm --filter @mastercom/pipeline generate:pipeline',
    );
    process.exit(1);
  }
  console.log('.buildkite/pipeline.yml matches packages/pipeline/src/buildkite/pipeline.ts');
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
