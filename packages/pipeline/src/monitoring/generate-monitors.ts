// Writes monitoring/monitors.json from monitors.ts, or with --check fails when the committed file
// differs from what the definitions and the SLO module generate.
import { booleanFlags } from '../cli-flags.js';
import { writeOrCheckGenerated } from '../generated-file.js';
import { repoPath } from '../repository.js';
import { monitorsJson } from './monitors.js';

const { check } = booleanFlags(
  'generate:monitors',
  'usage: pnpm --filter @mastercom/pipeline generate:monitors [--check]',
  ['check'],
);

writeOrCheckGenerated({
  target: repoPath('monitoring', 'monitors.json'),
  label: 'monitoring/monitors.json',
  generated: monitorsJson(),
  source: 'packages/pipeline/src/monitoring/monitors.ts',
  regenerateCommand: 'pnpm --filter @mastercom/pipeline generate:monitors',
  check,
});
