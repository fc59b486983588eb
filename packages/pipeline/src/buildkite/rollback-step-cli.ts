// scripts/rollback-release.sh --upload: prints the rollback step for one environment, as the YAML
// `buildkite-agent pipeline upload` reads.
import { stringify } from 'yaml';
import { rollbackStep } from './rollback-pipeline.js';

const environment = process.argv[2];
if (environment !== 'staging' && environment !== 'production') {
  console.error(
    `rollback: the environment must be staging or production, not ${environment ?? '(none)'}`,
  );
  process.exit(2);
}
process.stdout.write(stringify(rollbackStep(environment)));
