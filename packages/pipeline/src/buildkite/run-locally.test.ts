import { describe, expect, it } from 'vitest';
import { buildContexts } from './build-context.js';
import {
  currentBuild,
  formatReport,
  localSteps,
  planLocally,
  runPlan,
  type MissingNeeds,
} from './run-locally.js';
import { gateKeys, pipelineData } from './pipeline.js';

// This machine: no Docker engine, no registry, no cluster, no staging, nobody to press a button.
const bareMachine: MissingNeeds = {
  docker: 'a Docker engine',
  registry: 'registry credentials',
  cluster: 'a Kubernetes cluster',
  staging: 'a deployed staging service',
  person: 'a person',
};
const main = buildContexts['push to main'];

describe('planLocally', () => {
  it('runs the gates with the pipeline’s own commands and skips what needs Docker, a registry or a cluster', () => {
    const steps = localSteps();
    const verdicts = planLocally(steps, bareMachine, main);
    const commands = new Map(
      pipelineData().steps.map((step) => [
        step.key,
        'command' in step ? [step.command].flat() : [],
      ]),
    );
    expect(
      verdicts.filter((verdict) => verdict.action === 'run').map((verdict) => verdict.key),
    ).toEqual([...gateKeys]);
    expect(verdicts.find((verdict) => verdict.key === 'faults-long')).toMatchObject({
      action: 'excluded',
      reason: 'if: build.source == "schedule" is false',
    });
    const run = verdicts.flatMap((verdict) => (verdict.action === 'run' ? [verdict] : []));
    expect(run.map((verdict) => verdict.commands)).toEqual(
      run.map((verdict) => commands.get(verdict.key)),
    );
    expect(verdicts.find((verdict) => verdict.key === 'images')).toMatchObject({
      action: 'skip',
      reason: 'needs a Docker engine; registry credentials',
    });
    expect(verdicts.find((verdict) => verdict.key === 'deploy-staging')).toMatchObject({
      action: 'skip',
      reason: 'needs a Kubernetes cluster',
    });
  });

  it('runs the nightly steps with their environment in a scheduled build, and ships nothing', () => {
    const scheduled = planLocally(localSteps(), {}, buildContexts['scheduled build']);
    expect(scheduled.find((verdict) => verdict.key === 'faults-long')).toMatchObject({
      action: 'run',
      env: { FAULTS_SCALE: 'long' },
    });
    expect(scheduled.find((verdict) => verdict.key === 'load-soak')).toMatchObject({
      action: 'run',
      env: { LOAD_SCENARIO: 'soak' },
    });
    for (const key of ['images', 'deploy-staging', 'load-gate', 'promote', 'deploy-production']) {
      expect(scheduled.find((verdict) => verdict.key === key)).toMatchObject({
        action: 'excluded',
      });
    }
    const [first] = localSteps();
    expect(() =>
      planLocally([{ ...first!, condition: 'build.pull_request.id != null' }], {}, main),
    ).toThrow(/build.pull_request.id is not a variable known here/);
  });

  it('skips the steps after one that cannot run here, and excludes main-only steps on branches', () => {
    const everythingButAPerson: MissingNeeds = { person: 'a person' };
    const onMain = planLocally(localSteps(), everythingButAPerson, main);
    expect(onMain.find((verdict) => verdict.key === 'load-gate')).toMatchObject({ action: 'run' });
    expect(onMain.find((verdict) => verdict.key === 'promote')).toMatchObject({
      action: 'skip',
      reason: 'needs a person',
    });
    expect(onMain.find((verdict) => verdict.key === 'deploy-production')).toMatchObject({
      action: 'skip',
      reason: 'depends on promote, which cannot run here',
    });
    const onBranch = planLocally(
      localSteps(),
      everythingButAPerson,
      buildContexts['push to a branch'],
    );
    expect(onBranch.find((verdict) => verdict.key === 'deploy-production')).toMatchObject({
      action: 'excluded',
      reason: 'not on feature/refund-ceiling (branches: main)',
    });
  });
});

describe('currentBuild', () => {
  it('reads the build Buildkite describes and refuses an unknown source', () => {
    expect(
      currentBuild({ BUILDKITE_SOURCE: 'schedule', BUILDKITE_BRANCH: 'main', BUILDKITE_TAG: '' }),
    ).toEqual({ source: 'schedule', branch: 'main', tag: null });
    expect(currentBuild({ BUILDKITE_SOURCE: 'webhook', BUILDKITE_TAG: 'v1.0.0' })).toEqual({
      source: 'webhook',
      branch: 'v1.0.0',
      tag: 'v1.0.0',
    });
    expect(() => currentBuild({ BUILDKITE_SOURCE: 'local' })).toThrow(/not one of webhook/);
  });
});

describe('runPlan', () => {
  it('runs each command in order, stops dependents of a failure and reports every step', async () => {
    const steps = localSteps();
    const verdicts = planLocally(
      steps,
      { ...bareMachine, docker: undefined, registry: undefined },
      main,
    );
    const executed: string[] = [];
    const results = await runPlan(
      verdicts,
      steps,
      (command) => {
        executed.push(command);
        return Promise.resolve(command === 'pnpm turbo run policy' ? 3 : 0);
      },
      () => undefined,
    );
    expect(executed).toContain('pnpm turbo run security security:audit');
    expect(executed).not.toContain('scripts/build-image.sh');
    expect(results.find((result) => result.key === 'policy')).toMatchObject({ outcome: 'failed' });
    expect(results.find((result) => result.key === 'images')).toMatchObject({
      outcome: 'not run',
      detail: 'depends on policy, which did not pass',
    });
    expect(formatReport(results).split('\n').at(-1)).toBe('7 passed, 3 failed, 10 skipped');
  });

  it('passes a step’s own environment to its commands and treats a soft failure as passed', async () => {
    const steps = localSteps().map((step) =>
      step.key === 'faults' ? { ...step, softFail: [4] as const } : step,
    );
    const verdicts = planLocally(steps, bareMachine, buildContexts['scheduled build']);
    const seen: Record<string, string>[] = [];
    const results = await runPlan(
      verdicts,
      steps,
      (command, env) => {
        seen.push({ command, ...env });
        return Promise.resolve(
          command === 'scripts/ci/fault-campaign.sh' && !env.FAULTS_SCALE ? 4 : 0,
        );
      },
      () => undefined,
    );
    expect(results.find((result) => result.key === 'faults')).toMatchObject({
      outcome: 'soft failed',
    });
    expect(results.find((result) => result.key === 'faults-long')).toMatchObject({
      outcome: 'passed',
    });
    expect(seen).toContainEqual({ command: 'scripts/ci/fault-campaign.sh', FAULTS_SCALE: 'long' });
  });
});

describe('runPlan with Turbo run summaries', () => {
  const summary = (tasks: [string, 'HIT' | 'MISS', boolean][]) =>
    JSON.stringify({
      tasks: tasks.map(([taskId, status, cache]) => ({
        taskId,
        cache: { status },
        resolvedTaskDefinition: { cache },
      })),
    });
  const steps = localSteps();
  const verdicts = planLocally(steps, bareMachine, main);

  async function run(expectCached: boolean, written: Record<string, string>) {
    let files: string[] = [];
    const envs: Record<string, string>[] = [];
    const results = await runPlan(
      verdicts,
      steps,
      (command, env) => {
        envs.push({ ...env });
        // Each gate's command writes the summary the test chose for its step.
        const step = verdicts.find(
          (verdict) => verdict.action === 'run' && verdict.commands.at(-1) === command,
        );
        const text = step === undefined ? undefined : written[step.key];
        if (text !== undefined) files = [...files, text];
        return Promise.resolve(0);
      },
      () => undefined,
      {
        expectCached,
        summaries: {
          mark: () => new Set(files.map(String)),
          since: (marked) => files.filter((text) => !marked.has(text)),
        },
      },
    );
    return { results, envs };
  }

  it('asks Turbo for summaries and reports what each step replayed', async () => {
    const { results, envs } = await run(false, {
      unit: summary([
        ['@mastercom/service#test', 'HIT', true],
        ['@mastercom/contracts#test', 'MISS', true],
      ]),
    });
    expect(envs.every((env) => env.TURBO_RUN_SUMMARY === 'true')).toBe(true);
    expect(results.find((result) => result.key === 'unit')).toMatchObject({
      outcome: 'passed',
      cache: { hits: 1, ran: ['@mastercom/contracts#test'], uncacheable: [] },
    });
  });

  it('with expectCached, fails a step that ran a cacheable task, not one with only cache: false tasks', async () => {
    const { results } = await run(true, {
      unit: summary([['@mastercom/contracts#test', 'MISS', true]]),
      security: summary([
        ['//#security', 'HIT', true],
        ['//#security:audit', 'MISS', false],
      ]),
      webhook: summary([['@mastercom/webhook-tests#test', 'HIT', true]]),
    });
    const outcome = (key: string) => results.find((result) => result.key === key);
    expect(outcome('unit')).toMatchObject({ outcome: 'failed' });
    expect(outcome('unit')?.detail).toContain(
      '0 of 1 cacheable tasks replayed; ran @mastercom/contracts#test (expected every cacheable task from the cache)',
    );
    expect(outcome('security')).toMatchObject({ outcome: 'passed' });
    expect(outcome('webhook')).toMatchObject({ outcome: 'passed' });
  });
});
