/* eslint-disable security/detect-non-literal-fs-filename -- the only path is monitoring/monitors.json in this repository */
// Writes monitoring/monitors.json from monitors.ts, or with --check fails when the committed file
// differs from what the definitions and the SLO module generate.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from '../repository.js';
import { monitorsJson } from './monitors.js';

const target = repoPath('monitoring', 'monitors.json');
const generated = monitorsJson();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is reported like a stale one below.
  }
  if (committed !== generated) {
    console.error(
      'monitoring/monitors.json is out of date: run pnpm --filter @mastercom/pipeline generate:monitors',
    );
    process.exit(1);
  }
  console.log('monitoring/monitors.json matches packages/pipeline/src/monitoring/monitors.ts');
} else {
  mkdirSync(repoPath('monitoring'), { recursive: true });
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
