#!/usr/bin/env bash
# Runs one Vitest stage through Turbo the way the pipeline wants it:
#
#   scripts/ci/vitest-stage.sh TASK [TURBO_ARGS...]     e.g. test --filter=@mastercom/service
#
# - In a Buildkite parallel job, the job runs one shard (BUILDKITE_PARALLEL_JOB is 0-based, Vitest's
#   --shard is 1-based). Outside one, the whole stage runs.
# - Coverage (V8, Cobertura for Buildkite, a text summary for the log) goes to each package's
#   reports/coverage, next to the JUnit file the shared Vitest preset writes.
# - With BUILDKITE_ANALYTICS_TOKEN set, results also go to Buildkite Test Engine through
#   buildkite-test-collector's Vitest reporter.
# Turbo caches each combination of these arguments separately, so a shard replays only itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -lt 1 ]; then
  echo "usage: scripts/ci/vitest-stage.sh TASK [TURBO_ARGS...]" >&2
  exit 2
fi
task=$1
shift

vitest_args=(
  --coverage.enabled --coverage.provider=v8 --coverage.reportsDirectory=reports/coverage
  --coverage.reporter=cobertura --coverage.reporter=text-summary
)
if [ -n "${BUILDKITE_PARALLEL_JOB_COUNT:-}" ] && [ "${BUILDKITE_PARALLEL_JOB_COUNT}" -gt 1 ]; then
  # A package with fewer test files than shards has an empty shard; that is not a failure here.
  vitest_args+=("--shard=$((BUILDKITE_PARALLEL_JOB + 1))/${BUILDKITE_PARALLEL_JOB_COUNT}" --passWithNoTests)
fi
if [ -n "${BUILDKITE_ANALYTICS_TOKEN:-}" ]; then
  # Naming reporters on the command line replaces the preset's, so the JUnit file is named again.
  vitest_args+=(--reporter=default --reporter=junit --outputFile.junit=reports/junit.xml
    --reporter=buildkite-test-collector/vitest/reporter)
fi

if [ "${VITEST_STAGE_DRY_RUN:-}" = 1 ]; then
  printf 'pnpm turbo run %q' "$task"
  printf ' %q' "$@" -- "${vitest_args[@]}"
  echo
  exit 0
fi
exec pnpm turbo run "$task" "$@" -- "${vitest_args[@]}"
