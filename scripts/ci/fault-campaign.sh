#!/usr/bin/env bash
# Runs the fault campaign (packages/fault-tests) on its own, as the pipeline's fault steps do:
#
#   scripts/ci/fault-campaign.sh                   the short variant (every build)
#   FAULTS_SCALE=long scripts/ci/fault-campaign.sh  the long variant (the nightly scheduled build)
#
# Locally, `pnpm test` orders the campaign after the webhook and integration suites (turbo.json) so
# they do not share two cores. A pipeline agent runs it alone, so the campaign's own package and
# what it builds on are built first and the task then runs with --only, without those suites.
set -euo pipefail
cd "$(dirname "$0")/../.."

pnpm turbo run build --filter=@mastercom/fault-tests...
pnpm turbo run test:faults --only --filter=@mastercom/fault-tests
