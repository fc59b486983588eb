// Writes .buildkite/pipeline.yml and .buildkite/rollback.yml from their TypeScript definitions, or with --check fails when the
// committed file differs from what the definition generates.
import { booleanFlags } from '../cli-flags.js';
import { writeOrCheckGenerated } from '../generated-file.js';
import { repoPath } from '../repository.js';
import { pipelineYaml } from './pipeline.js';
import { rollbackPipelineYaml } from './rollback-pipeline.js';

const { check } = booleanFlags(
  'generate:pipeline',
  'usage: pnpm --filter @mastercom/pipeline generate:pipeline [--check]',
  ['check'],
);

writeOrCheckGenerated({
  target: repoPath('.buildkite', 'pipeline.yml'),
  label: '.buildkite/pipeline.yml',
  generated: pipelineYaml(),
  source: 'packages/pipeline/src/buildkite/pipeline.ts',
  regenerateCommand: 'pnpm --filter @mastercom/pipeline generate:pipeline',
  check,
});

writeOrCheckGenerated({
  target: repoPath('.buildkite', 'rollback.yml'),
  label: '.buildkite/rollback.yml',
  generated: rollbackPipelineYaml(),
  source: 'packages/pipeline/src/buildkite/rollback-pipeline.ts',
  regenerateCommand: 'pnpm --filter @mastercom/pipeline generate:pipeline',
  check,
});
