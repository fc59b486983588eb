// scripts/pipeline-local.sh: `--plan` prints what would run and what would be skipped, and why.
import {
  currentBranch,
  formatReport,
  localSteps,
  planLocally,
  probeMachine,
  runPlan,
} from './run-locally.js';

const steps = localSteps();
const verdicts = planLocally(
  steps,
  probeMachine(),
  currentBranch(),
  process.env.BUILDKITE_SOURCE ?? 'local',
);

if (process.argv.includes('--plan')) {
  for (const verdict of verdicts) {
    console.log(
      verdict.action === 'run'
        ? `run   ${verdict.label}: ${verdict.commands.join(' && ')}`
        : `skip  ${verdict.label}: ${verdict.reason}`,
    );
  }
} else {
  const results = await runPlan(verdicts, steps);
  console.log(`\n--- pipeline-local report\n${formatReport(results)}`);
  process.exitCode = results.some((result) => result.outcome === 'failed') ? 1 : 0;
}
