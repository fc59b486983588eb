// The Buildkite pipeline, as typed TypeScript. `.buildkite/pipeline.yml` is generated from this file
// (`pnpm --filter @mastercom/pipeline generate:pipeline`) and a test fails when the two differ.
//
// Every command step calls either a Turbo task or a script in this repository, so the pipeline and
// a developer's machine run the same commands; `scripts/pipeline-local.sh` runs them here in the
// pipeline's order.
import { Pipeline, type BlockStep, type CommandStep } from '@buildkite/buildkite-sdk';
import { stringify } from 'yaml';
import { ConcurrencyMethod, SignalReason } from '@buildkite/buildkite-sdk/src/types.js';

/**
 * What a step needs beyond a checkout, Node and the package registry. The local runner skips a
 * step whose needs this machine cannot meet and says which one.
 */
export type Need =
  | 'docker' // a Docker engine that can build and run images
  | 'registry' // push access to the image registry named by IMAGE_REGISTRY
  | 'cluster' // kubectl credentials for the target Kubernetes cluster
  | 'staging' // a deployed staging service at STAGING_URL
  | 'person'; // a person pressing a button in Buildkite

/**
 * A block step as Buildkite's schema has it: `allowed_teams` (who may unblock it,
 * https://buildkite.com/docs/pipelines/configure/step-types/block-step) is not in the SDK's type.
 */
export type GatedBlockStep = BlockStep & { allowed_teams?: string[] };

export type PipelineStep = CommandStep | GatedBlockStep;

export interface StepPlan {
  readonly key: string;
  readonly needs: readonly Need[];
}

/** Steps that must all pass before an image is built. */
export const gateKeys = [
  'quality',
  'unit',
  'webhook',
  'integration',
  'browser',
  'faults',
  'security',
  'policy',
] as const;

export const UNIT_PARALLELISM = 3;

/** The k6 profiles the nightly build runs against staging, in this order. */
export const nightlyLoadProfiles = ['stress', 'spike', 'soak'] as const;

/**
 * The `if` conditions of the pipeline. A step excluded by its condition counts as a satisfied
 * dependency in Buildkite ("How skipped steps affect dependencies",
 * https://buildkite.com/docs/pipelines/configure/depends-on), so every step that ships carries the
 * full condition itself instead of relying on a dependency to hold it back.
 */
export const conditions = {
  /** The nightly scheduled build: the long suites, nothing built or deployed. */
  nightly: 'build.source == "schedule"',
  /** Builds that produce an image: pushes, API and UI builds, tags; never the nightly. */
  buildsImage: 'build.source != "schedule"',
  /** Builds that deploy (with `branches: main`): a commit of main, never a tag or the nightly. */
  deploys: 'build.source != "schedule" && build.tag == null',
} as const;

/** The branch whose commits go to staging and, after the block step, to production. */
export const RELEASE_BRANCH = 'main';

/** Staging is one resource: its deploys, the k6 gate and the nightly k6 runs take turns on it. */
export const STAGING_GROUP = 'mastercom-service/staging';
export const PRODUCTION_GROUP = 'mastercom-service/production';

/** Who may press the promotion button (Buildkite team slugs). */
export const RELEASE_TEAMS = ['mastercom-release-managers'];

// Lost agents (a spot instance reclaimed, an agent stopped mid-job) are the only failures worth an
// automatic retry: a red test or a failed deploy retried automatically hides the problem.
const retryLostAgents: CommandStep['retry'] = {
  automatic: [
    { exit_status: -1, limit: 2 },
    { signal_reason: SignalReason.AgentStop, limit: 2 },
  ],
};

// A deploy step that passed must not be retried by hand: a retry runs the old build's commit and
// ships it over whatever was released since. `permit_on_passed: false` removes the Retry button
// once the job passed (https://buildkite.com/docs/pipelines/configure/step-types/command-step,
// "Retry attributes": manual).
const retryDeploy: CommandStep['retry'] = {
  ...retryLostAgents,
  manual: {
    permit_on_passed: false,
    reason: 'A passed deploy is never re-run: it would ship this older commit again.',
  },
};

/** One job at a time on a shared environment, in the order the jobs were created. */
function holds(group: string) {
  return {
    concurrency: 1,
    concurrency_group: group,
    concurrency_method: ConcurrencyMethod.Ordered,
  } as const;
}

// The pnpm store is restored from and saved to the agent cache, keyed by the lockfile, so a warm
// agent installs without downloading. The plugin restores in its pre-command hook, after the
// repository's own (https://buildkite.com/docs/agent/hooks, "Job lifecycle hooks"), so the install
// is each step's first command (INSTALL), never that hook.
const pnpmStoreCache = {
  'cache#v1.7.0': {
    manifest: 'pnpm-lock.yaml',
    path: '.pnpm-store',
    restore: 'file',
    save: 'file',
    compression: 'tgz',
  },
};

// Turbo's local cache lives in the checkout, which Buildkite's checkout cleans (git clean), and on
// one agent. Each step saves it to the agent cache under its step key and the next build's same
// step restores it on whichever agent, so unchanged tasks replay. With TURBO_TOKEN and TURBO_TEAM
// on the agents, turbo's remote cache shares every task across steps and agents as well.
const turboCache = {
  'cache#v1.7.0': {
    path: '.turbo/cache',
    restore: 'step',
    save: 'step',
    compression: 'tgz',
  },
};

/** The first command of every cached step: the install into the restored store. */
export const INSTALL = 'scripts/ci/install.sh';

const testArtifacts = [
  'packages/*/reports/junit.xml',
  'contracts/reports/junit.xml',
  'packages/*/reports/coverage/**/*',
  'contracts/reports/coverage/**/*',
];

function gate(step: CommandStep & { key: string; command: string }): CommandStep {
  // The gates depend on nothing: they start together as soon as the build does.
  return {
    ...step,
    command: [INSTALL, step.command],
    depends_on: [],
    plugins: [pnpmStoreCache, turboCache],
    retry: retryLostAgents,
    timeout_in_minutes: 30,
  };
}

export interface PipelineDefinition {
  readonly pipeline: Pipeline;
  readonly plan: readonly StepPlan[];
}

export function definePipeline(): PipelineDefinition {
  const pipeline = new Pipeline();
  const plan: StepPlan[] = [];
  const add = (step: PipelineStep, needs: Need[] = []) => {
    pipeline.addStep(step);
    if (step.key === undefined) throw new Error('every step needs a key');
    plan.push({ key: step.key, needs });
  };

  // pnpm reads its settings from pnpm_config_* variables; the store sits in the checkout, where
  // the cache plugin saves and restores it.
  pipeline.addEnvironmentVariable('pnpm_config_store_dir', '.pnpm-store');

  add(
    gate({
      label: ':eslint: Code Quality',
      key: 'quality',
      command: 'pnpm turbo run lint format:check typecheck',
    }),
  );
  add(
    gate({
      label: ':vitest: Unit Tests',
      key: 'unit',
      // Each parallel job runs one vitest shard of the unit stage (scripts/ci/vitest-stage.sh turns
      // BUILDKITE_PARALLEL_JOB into --shard).
      command:
        'scripts/ci/vitest-stage.sh test --filter=@mastercom/service --filter=@mastercom/contracts --filter=@mastercom/tooling --filter=@mastercom/load --filter=@mastercom/container-tests --filter=@mastercom/desk',
      parallelism: UNIT_PARALLELISM,
      artifact_paths: testArtifacts,
    }),
  );
  add(
    gate({
      label: ':postgres: Webhook Tests',
      key: 'webhook',
      command:
        'scripts/ci/vitest-stage.sh test --filter=@mastercom/webhook-tests --filter=@mastercom/testkit --filter=@mastercom/devstack --filter=@mastercom/service-harness',
      artifact_paths: testArtifacts,
    }),
  );
  add(
    gate({
      label: ':docker: Integration Tests',
      key: 'integration',
      // testcontainers starts PostgreSQL on this queue's Docker engine.
      agents: { queue: 'docker' },
      command: 'scripts/ci/vitest-stage.sh test:integration',
      artifact_paths: testArtifacts,
    }),
  );
  add(
    gate({
      label: ':globe_with_meridians: Browser Tests',
      key: 'browser',
      // Debian's Chromium, driven by playwright-core; the suite installs it when it is missing.
      command: 'scripts/ci/vitest-stage.sh test:browser',
      artifact_paths: [...testArtifacts, 'packages/browser-tests/reports/browser/*.png'],
    }),
  );
  add(
    gate({
      label: ':boom: Fault Campaign',
      key: 'faults',
      // The short variant: outages, restarts, crashes, hostile input, exhaustion, card scans.
      command: 'scripts/ci/fault-campaign.sh',
      artifact_paths: [...testArtifacts, 'packages/fault-tests/reports/faults-*.json'],
    }),
  );
  add({
    label: ':crescent_moon: Fault Campaign (long)',
    key: 'faults-long',
    // The nightly scheduled build runs the same campaign with the large counts, after the short one.
    if: conditions.nightly,
    depends_on: ['faults'],
    command: [INSTALL, 'scripts/ci/fault-campaign.sh'],
    env: { FAULTS_SCALE: 'long' },
    artifact_paths: [...testArtifacts, 'packages/fault-tests/reports/faults-*.json'],
    plugins: [pnpmStoreCache, turboCache],
    retry: retryLostAgents,
    timeout_in_minutes: 60,
  });
  add(
    gate({
      label: ':lock: Security Scan',
      key: 'security',
      command: 'pnpm turbo run security security:audit',
      artifact_paths: ['reports/security/**/*'],
    }),
  );
  add(
    gate({
      label: ':scales: Policy',
      key: 'policy',
      command: 'pnpm turbo run policy',
    }),
  );

  add(
    {
      label: ':docker: Build Images',
      key: 'images',
      depends_on: [...gateKeys],
      // A nightly scheduled build proves the commit (the long suites) and ships nothing.
      if: conditions.buildsImage,
      agents: { queue: 'docker' },
      // Build, smoke-test (PostgreSQL and the mocks from the test kit, hence the install), push.
      command: [INSTALL, 'scripts/build-image.sh'],
      plugins: [pnpmStoreCache, turboCache],
      retry: retryLostAgents,
      timeout_in_minutes: 30,
    },
    ['docker', 'registry'],
  );
  add(
    {
      label: ':shield: Image Scan',
      key: 'image-scan',
      depends_on: ['images'],
      if: conditions.buildsImage,
      agents: { queue: 'docker' },
      // Trivy over the pushed image's OS packages and libraries; a critical vulnerability with a
      // fix fails the build, so no deploy step ever starts on that image.
      command: 'scripts/scan-image.sh',
      artifact_paths: ['reports/security/trivy-image.json'],
      retry: retryLostAgents,
      timeout_in_minutes: 15,
    },
    ['docker', 'registry'],
  );
  add(
    {
      label: ':kubernetes: Deploy to Staging',
      key: 'deploy-staging',
      // The image and every gate of this build, named here and not only through `images`: a
      // dependency that is excluded from the build would count as satisfied.
      depends_on: ['images', 'image-scan', ...gateKeys],
      branches: RELEASE_BRANCH,
      if: conditions.deploys,
      agents: { queue: 'deploy' },
      // Rollout, smoke check, the verification window and, on failure, the undo with its own
      // rollout and smoke check: scripts/deploy.sh bounds each wait, and 30 minutes covers them all.
      // Only after it verified the release does it move the image's `staging` tag.
      command: 'scripts/deploy.sh staging',
      ...holds(STAGING_GROUP),
      retry: retryDeploy,
      timeout_in_minutes: 30,
    },
    ['cluster'],
  );
  add(
    {
      label: ':k6: k6 Load Gate',
      key: 'load-gate',
      depends_on: ['deploy-staging'],
      branches: RELEASE_BRANCH,
      if: conditions.deploys,
      agents: { queue: 'docker' },
      // The bundled `load` scenario runs in the grafana/k6 image against staging, its deliveries
      // through the webhook host with the load-test client certificate (docs/decisions/0001);
      // k6's client-side thresholds and the server-side SLO read from Datadog both decide, and
      // the script uploads the reports and annotates the build with the summary. The gate is in staging's concurrency group: it was created with
      // this build's deploy, before any job of a later build, so with the ordered method no later
      // deploy can start until the gate is done, and promotion is on the commit it measured.
      // --expect-commit also checks that staging serves this commit before and after the run.
      command: 'scripts/load-gate.sh --expect-commit',
      ...holds(STAGING_GROUP),
      retry: retryLostAgents,
      timeout_in_minutes: 20,
    },
    ['docker', 'staging'],
  );
  for (const [index, profile] of nightlyLoadProfiles.entries()) {
    add(
      {
        label: `:k6: k6 ${profile} (nightly)`,
        key: `load-${profile}`,
        // Against staging as deployed from main; one profile after the other, staging held
        // throughout so no deploy lands mid-run.
        if: conditions.nightly,
        // The first starts with the build: what it measures is staging, not this build's tests.
        depends_on: index === 0 ? [] : [`load-${nightlyLoadProfiles[index - 1]}`],
        allow_dependency_failure: true,
        agents: { queue: 'docker' },
        command: 'scripts/load-gate.sh',
        env: { LOAD_SCENARIO: profile },
        ...holds(STAGING_GROUP),
        retry: retryLostAgents,
        timeout_in_minutes: profile === 'soak' ? 150 : 45,
      },
      ['docker', 'staging'],
    );
  }
  for (const environment of ['production', 'staging'] as const) {
    add(
      {
        label: `:shield: Scan ${environment}'s image (nightly)`,
        key: `scan-deployed-${environment}`,
        // Advisories appear daily against images that passed at build time. A running image with
        // a fixable critical vulnerability uploads the rollback pipeline's step for the newest
        // earlier revision that scans clean (it takes the environment's turn itself), and fails.
        if: conditions.nightly,
        depends_on: [],
        // kubectl reads the revisions; Trivy on these agents pulls the images from the registry.
        agents: { queue: 'deploy' },
        command: [INSTALL, `scripts/scan-deployed.sh ${environment}`],
        plugins: [pnpmStoreCache],
        artifact_paths: ['reports/security/trivy-*.json'],
        retry: retryLostAgents,
        timeout_in_minutes: 30,
      },
      ['cluster', 'registry'],
    );
  }
  add(
    {
      block: ':rocket: Promote to production',
      key: 'promote',
      depends_on: ['load-gate'],
      branches: RELEASE_BRANCH,
      if: conditions.deploys,
      allowed_teams: RELEASE_TEAMS,
      prompt: 'Staging passed the k6 load gate on this commit. Deploy it to production?',
    },
    ['person'],
  );
  add(
    {
      label: ':kubernetes: Deploy to Production',
      key: 'deploy-production',
      depends_on: ['promote', 'load-gate', 'deploy-staging', 'images', 'image-scan', ...gateKeys],
      branches: RELEASE_BRANCH,
      if: conditions.deploys,
      agents: { queue: 'deploy' },
      // scripts/deploy.sh waits for the rollout, smoke-checks the release and watches it against the
      // SLOs; any failure undoes it and checks that the previous version is healthy. A verified
      // release moves the image's `production` tag.
      command: 'scripts/deploy.sh production',
      ...holds(PRODUCTION_GROUP),
      retry: retryDeploy,
      timeout_in_minutes: 30,
    },
    ['cluster'],
  );

  return { pipeline, plan };
}

const header = `# Generated from packages/pipeline/src/buildkite/pipeline.ts; do not edit by hand.
# Regenerate with: pnpm --filter @mastercom/pipeline generate:pipeline
`;

/** The pipeline as Buildkite receives it: plain JSON data, without the SDK's classes. */
export function pipelineData(): PipelineData {
  return JSON.parse(definePipeline().pipeline.toJSON()) as PipelineData;
}

export interface PipelineData {
  env?: Record<string, string>;
  steps: PipelineStep[];
}

export function pipelineYaml(): string {
  // The SDK's own toYAML() turns objects shared between steps into YAML anchors; written out in
  // full, each step reads on its own.
  return header + stringify(pipelineData(), { aliasDuplicateObjects: false, lineWidth: 0 });
}
