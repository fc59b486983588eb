#!/usr/bin/env bash
# Runs the Buildkite pipeline on this machine: every step that needs no Docker engine, registry,
# cluster or person, in the pipeline's order, with the commands of .buildkite/pipeline.yml's
# TypeScript definition. It ends with a report of what passed, failed and was skipped, and why.
#
#   scripts/pipeline-local.sh          run
#   scripts/pipeline-local.sh --plan   only say what would run and what would be skipped
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm turbo run build --filter=@mastercom/pipeline --output-logs=errors-only
exec node packages/pipeline/dist/buildkite/run-locally-cli.js "$@"
