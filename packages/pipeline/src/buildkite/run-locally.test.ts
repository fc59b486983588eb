import { describe, expect, it } from 'vitest';
import {
  formatReport,
  localSteps,
  planLocally,
  runPlan,
  type MissingNeeds,
} from './run-locally.js';
import { pipelineData } from './pipeline.js';

// This machine: no Docker engine, no registry, no cluster, no staging, nobody to press a button.
const bareMachine: MissingNeeds = {
  docker: 'a Docker engine',
  registry: 'registry credentials',
  cluster: 'a Kubernetes cluster',
  staging: 'a deployed staging service',
  person: 'a person',
};

describe('planLocally', () => {
  it('runs the gates with the pipeline’s own commands and skips what needs Docker, a registry or a cluster', () => {
    const steps = localSteps();
    const verdicts = planLocally(steps, bareMachine, 'main');
    const commands = new Map(
      pipelineData().steps.map((step) => [
        step.key,
        'command' in step ? [step.command].flat() : [],
      ]),
    );
    expect(
      verdicts.filter((verdict) => verdict.action === 'run').map((verdict) => verdict.key),
    ).toEqual(['quality', 'unit', 'webhook', 'integration', 'faults', 'security', 'policy']);
    expect(verdicts.find((verdict) => verdict.key === 'faults-long')).toMatchObject({
      action: 'skip',
      reason: 'runs only when build.source == "schedule" (this is a local build)',
    });
    const run = verdicts.flatMap((verdict) => (verdict.action === 'run' ? [verdict] : []));
    expect(run.map((verdict) => verdict.commands)).toEqual(
      run.map((verdict) => commands.get(verdict.key)),
    );
    expect(verdicts.find((verdict) => verdict.key === 'images')).toMatchObject({
      action: 'skip',
      reason: 'needs a Docker engine; registry credentials',
    });
  });

  it('runs the nightly step in a scheduled build and refuses a condition it cannot evaluate', () => {
    const scheduled = planLocally(localSteps(), {}, 'main', 'schedule');
    expect(scheduled.find((verdict) => verdict.key === 'faults-long')).toMatchObject({
      action: 'run',
    });
    expect(scheduled.find((verdict) => verdict.key === 'images')).toMatchObject({
      action: 'skip',
    });
    const [first] = localSteps();
    expect(() => planLocally([{ ...first!, condition: 'build.tag != null' }], {}, 'main')).toThrow(
      /does not know the condition build.tag != null/,
    );
  });

  it('skips the steps after a skipped one, and main-only steps on other branches', () => {
    const everythingButAPerson: MissingNeeds = { person: 'a person' };
    const verdicts = planLocally(localSteps(), everythingButAPerson, 'feature/x');
    expect(verdicts.find((verdict) => verdict.key === 'load-gate')).toMatchObject({
      action: 'run',
    });
    expect(verdicts.find((verdict) => verdict.key === 'promote')).toMatchObject({
      action: 'skip',
      reason: 'needs a person',
    });
    expect(verdicts.find((verdict) => verdict.key === 'deploy-production')).toMatchObject({
      action: 'skip',
      reason: 'runs only on main (this is feature/x)',
    });
  });
});

describe('runPlan', () => {
  it('runs each command in order, skips dependents of a failure and reports every step', async () => {
    const steps = localSteps();
    const verdicts = planLocally(
      steps,
      { ...bareMachine, docker: undefined, registry: undefined },
      'main',
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
      outcome: 'skipped',
      detail: 'depends on policy, which did not pass',
    });
    expect(formatReport(results).split('\n').at(-1)).toBe('6 passed, 1 failed, 6 skipped');
  });
});
