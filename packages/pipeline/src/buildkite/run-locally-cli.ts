// scripts/pipeline-local.sh: `--plan` prints what would run and what would be skipped, and why.
// BUILDKITE_SOURCE, BUILDKITE_BRANCH and BUILDKITE_TAG choose the kind of build (see currentBuild).
import {
  currentBuild,
  formatReport,
  localSteps,
  planLocally,
  probeMachine,
  runPlan,
} from './run-locally.js';

const steps = localSteps();
const build = currentBuild();
const verdicts = planLocally(steps, probeMachine(), build);
console.log(`build: ${build.source} on ${build.branch}${build.tag ? `, tag ${build.tag}` : ''}`);

if (process.argv.includes('--plan')) {
  for (const verdict of verdicts) {
    console.log(
      verdict.action === 'run'
        ? `run       ${verdict.label}: ${verdict.commands.join(' && ')}`
        : `${verdict.action.padEnd(9)} ${verdict.label}: ${verdict.reason}`,
    );
  }
} else {
  const results = await runPlan(verdicts, steps);
  console.log(`\n--- pipeline-local report\n${formatReport(results)}`);
  process.exitCode = results.some((result) => result.outcome === 'failed') ? 1 : 0;
}
