// scripts/pipeline-local.sh: `--plan` prints what would run and what would be skipped, and why.
// `--expect-cached` fails every step that ran a cacheable Turbo task instead of replaying it: run
// twice on the same commit, the second run proves the steps are served from the cache.
// BUILDKITE_SOURCE, BUILDKITE_BRANCH and BUILDKITE_TAG choose the kind of build (see currentBuild).
import { parseArgs } from 'node:util';
import {
  currentBuild,
  formatReport,
  localSteps,
  planLocally,
  probeMachine,
  repositorySummaries,
  runPlan,
} from './run-locally.js';

const usage = 'usage: scripts/pipeline-local.sh [--plan | --expect-cached]';
let flags: { plan?: boolean; 'expect-cached'?: boolean };
try {
  flags = parseArgs({
    options: { plan: { type: 'boolean' }, 'expect-cached': { type: 'boolean' } },
  }).values;
} catch (error) {
  console.error(`pipeline-local: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}

const steps = localSteps();
const build = currentBuild();
const verdicts = planLocally(steps, probeMachine(), build);
console.log(`build: ${build.source} on ${build.branch}${build.tag ? `, tag ${build.tag}` : ''}`);

if (flags.plan === true) {
  for (const verdict of verdicts) {
    console.log(
      verdict.action === 'run'
        ? `run       ${verdict.label}: ${verdict.commands.join(' && ')}`
        : `${verdict.action.padEnd(9)} ${verdict.label}: ${verdict.reason}`,
    );
  }
} else {
  const started = Date.now();
  const results = await runPlan(verdicts, steps, undefined, undefined, {
    summaries: repositorySummaries(),
    expectCached: flags['expect-cached'] === true,
  });
  console.log(`\n--- pipeline-local: ${((Date.now() - started) / 1000).toFixed(1)}s in all`);
  console.log(`\n--- pipeline-local report\n${formatReport(results)}`);
  process.exitCode = results.some((result) => result.outcome === 'failed') ? 1 : 0;
}
