/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';
import { PRODUCTION_GROUP, RELEASE_TEAMS, STAGING_GROUP } from './pipeline.js';
import { pipelineSchemaErrors } from './pipeline-schema.js';
import { rollbackPipelineData, rollbackPipelineYaml, rollbackStep } from './rollback-pipeline.js';

describe('.buildkite/rollback.yml', () => {
  it('is what rollback-pipeline.ts generates, and valid under Buildkite’s schema', () => {
    const committed = readFileSync(repoPath('.buildkite', 'rollback.yml'), 'utf8');
    expect(committed).toBe(rollbackPipelineYaml());
    expect(pipelineSchemaErrors(parse(committed))).toEqual([]);
  });

  it('asks a release manager for the environment, the revision and a reason first', () => {
    const [input, plan] = rollbackPipelineData().steps;
    expect(input).toMatchObject({ key: 'rollback-input', allowed_teams: RELEASE_TEAMS });
    const fields = (input as { fields?: { key: string }[] } | undefined)?.fields ?? [];
    expect(fields.map((field) => field.key)).toEqual(['environment', 'revision', 'reason']);
    expect(plan).toMatchObject({
      depends_on: ['rollback-input'],
      command: 'scripts/rollback-release.sh --upload',
    });
  });

  it('uploads a valid rollback step in the chosen environment’s concurrency group', () => {
    for (const [environment, group] of [
      ['staging', STAGING_GROUP],
      ['production', PRODUCTION_GROUP],
    ] as const) {
      const uploaded = rollbackStep(environment);
      expect(pipelineSchemaErrors(uploaded)).toEqual([]);
      expect(uploaded.steps[0]).toMatchObject({
        command: `scripts/rollback-release.sh ${environment}`,
        concurrency: 1,
        concurrency_group: group,
        agents: { queue: 'deploy' },
      });
    }
  });
});
