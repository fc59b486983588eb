/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';
import { pipelineSchemaErrors } from './pipeline-schema.js';

describe("Buildkite's published pipeline schema", () => {
  it('accepts the committed .buildkite/pipeline.yml', () => {
    const committed: unknown = parse(readFileSync(repoPath('.buildkite', 'pipeline.yml'), 'utf8'));
    expect(pipelineSchemaErrors(committed)).toEqual([]);
  });

  it('rejects what Buildkite would refuse, so the check can fail', () => {
    expect(pipelineSchemaErrors({ env: {} })).toContainEqual(expect.stringContaining('steps'));
    expect(
      pipelineSchemaErrors({ steps: [{ command: 'true', if_branch: 'main' }] }),
    ).toContainEqual(expect.stringContaining('"additionalProperty":"if_branch"'));
    const wrongRetry = {
      steps: [{ command: 'true', key: 'a', retry: { manual: { permit_on_passed: 'sometimes' } } }],
    };
    expect(pipelineSchemaErrors(wrongRetry)).not.toEqual([]);
    const wrongConcurrency = {
      steps: [{ command: 'true', concurrency: 1, concurrency_method: 'whenever' }],
    };
    expect(pipelineSchemaErrors(wrongConcurrency)).not.toEqual([]);
    const blockWithCommand = {
      steps: [{ block: 'Go?', allowed_teams: 42 }],
    };
    expect(pipelineSchemaErrors(blockWithCommand)).not.toEqual([]);
  });
});
