// Prints the rollback step for one environment, as the YAML `buildkite-agent pipeline upload`
// reads. scripts/rollback-release.sh --upload passes only the environment (the input step's
// revision and reason are read by the step from the build's meta-data); scripts/scan-deployed.sh
// passes the revision it found clean and its reason.
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { rollbackStep } from './rollback-pipeline.js';

const usage = 'usage: rollback-step-cli.js staging|production [--revision N --reason TEXT]';
let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { revision: { type: 'string' }, reason: { type: 'string' } },
  });
} catch (error) {
  console.error(`rollback: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const [environment, ...extra] = parsed.positionals;
const { revision, reason } = parsed.values;
if ((environment !== 'staging' && environment !== 'production') || extra.length > 0) {
  console.error(
    `rollback: the environment must be staging or production, not ${environment ?? '(none)'}\n${usage}`,
  );
  process.exit(2);
}
if ((revision === undefined) !== (reason === undefined)) {
  console.error(`rollback: --revision and --reason go together\n${usage}`);
  process.exit(2);
}
if (revision !== undefined && !/^[1-9][0-9]*$/.test(revision)) {
  console.error(`rollback: the revision must be a positive number, not ${revision}`);
  process.exit(2);
}
process.stdout.write(
  stringify(
    rollbackStep(
      environment,
      revision === undefined || reason === undefined ? undefined : { revision, reason },
    ),
  ),
);
