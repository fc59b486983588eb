// The rollback pipeline, generated like the main one: `.buildkite/rollback.yml` from this file
// (`pnpm --filter @mastercom/pipeline generate:pipeline`). A person picks the environment, an
// optional revision and a reason; the next step uploads the rollback step for that environment,
// because a step's concurrency group is fixed when it is uploaded and the rollback must take
// its environment's turn with the deploys (pipeline.ts STAGING_GROUP / PRODUCTION_GROUP).
import { stringify } from 'yaml';
import { PRODUCTION_GROUP, RELEASE_TEAMS, STAGING_GROUP } from './pipeline.js';

export type RollbackEnvironment = 'staging' | 'production';

const retryLostAgents = {
  automatic: [
    { exit_status: -1, limit: 2 },
    { signal_reason: 'agent_stop', limit: 2 },
  ],
};

export function rollbackPipelineData() {
  return {
    steps: [
      {
        input: ':rewind: Roll back mastercom-service',
        key: 'rollback-input',
        allowed_teams: RELEASE_TEAMS,
        fields: [
          {
            select: 'Environment',
            key: 'environment',
            required: true,
            options: [
              { label: 'staging', value: 'staging' },
              { label: 'production', value: 'production' },
            ],
          },
          {
            text: 'Revision',
            key: 'revision',
            required: false,
            hint: 'The Deployment revision to return to (kubectl rollout history); empty for the previous one.',
          },
          {
            text: 'Reason',
            key: 'reason',
            required: true,
            hint: 'Why, for the build annotation and the Datadog event.',
          },
        ],
      },
      {
        label: ':pipeline: Plan the rollback',
        key: 'rollback-plan',
        depends_on: ['rollback-input'],
        command: 'scripts/rollback-release.sh --upload',
        retry: retryLostAgents,
        timeout_in_minutes: 5,
      },
    ],
  };
}

/** A rollback decided by a script rather than a person: the revision to return to, and why. */
export interface RollbackPreset {
  readonly revision: string;
  readonly reason: string;
}

/**
 * The step the plan uploads for the chosen environment. Without a preset the step reads the input
 * step's revision and reason from the build's meta-data; with one (the nightly image scan) they
 * travel in its environment, which scripts/rollback-release.sh reads first.
 */
export function rollbackStep(environment: RollbackEnvironment, preset?: RollbackPreset) {
  return {
    steps: [
      {
        label: `:rewind: Roll back ${environment} and verify`,
        key: `rollback-${environment}`,
        agents: { queue: 'deploy' },
        ...(preset === undefined
          ? {}
          : { env: { ROLLBACK_REVISION: preset.revision, ROLLBACK_REASON: preset.reason } }),
        // Undo, then the checks after it (health, error rate, latency, alerts still acknowledged,
        // outcomes still sent) and the status update (annotation and Datadog event).
        command: `scripts/rollback-release.sh ${environment}`,
        concurrency: 1,
        concurrency_group: environment === 'staging' ? STAGING_GROUP : PRODUCTION_GROUP,
        concurrency_method: 'ordered',
        retry: {
          ...retryLostAgents,
          manual: {
            permit_on_passed: false,
            reason: 'A passed rollback is not re-run; start a new rollback build.',
          },
        },
        timeout_in_minutes: 30,
      },
    ],
  };
}

const header = `# Generated from packages/pipeline/src/buildkite/rollback-pipeline.ts; do not edit by hand.
# Regenerate with: pnpm --filter @mastercom/pipeline generate:pipeline
`;

export function rollbackPipelineYaml(): string {
  return header + stringify(rollbackPipelineData(), { aliasDuplicateObjects: false, lineWidth: 0 });
}
