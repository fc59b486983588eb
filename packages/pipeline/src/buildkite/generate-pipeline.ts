// Writes .buildkite/pipeline.yml from the TypeScript definition, or with --check fails when the
// committed file differs from what the definition generates.
import { writeOrCheckGenerated } from '../generated-file.js';
import { repoPath } from '../repository.js';
import { pipelineYaml } from './pipeline.js';

writeOrCheckGenerated({
  target: repoPath('.buildkite', 'pipeline.yml'),
  label: '.buildkite/pipeline.yml',
  generated: pipelineYaml(),
  source: 'packages/pipeline/src/buildkite/pipeline.ts',
  regenerateCommand: 'pnpm --filter @mastercom/pipeline generate:pipeline',
  check: process.argv.includes('--check'),
});
