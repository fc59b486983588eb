// The pipeline under Buildkite's documented rules (scheduling.ts), for every kind of build it sees.
import { describe, expect, it } from 'vitest';
import { buildContexts, type BuildContext, type BuildContextName } from './build-context.js';
import { gateKeys, pipelineData, STAGING_GROUP } from './pipeline.js';
import { localSteps } from './run-locally.js';
import {
  groupStartOrder,
  inclusion,
  runOrder,
  simulateBuild,
  transitiveDependencies,
  type ScheduledStep,
} from './scheduling.js';

const steps = localSteps();
const gates = [...gateKeys];
const shipping = ['images', 'image-scan', 'deploy-staging', 'promote', 'deploy-production'];
const deploys = ['deploy-staging', 'deploy-production'];

// Which steps start together (one array per wave), everything passing and the block unblocked.
const expected: Record<BuildContextName, string[][]> = {
  'push to main': [
    gates,
    ['images'],
    ['image-scan'],
    ['deploy-staging'],
    ['load-gate'],
    ['promote'],
    ['deploy-production'],
  ],
  'push to a branch': [gates, ['images'], ['image-scan']],
  'scheduled build': [
    [
      'quality',
      'unit',
      'webhook',
      'integration',
      'browser',
      'faults',
      'security',
      'policy',
      'load-stress',
      'scan-deployed-production',
      'scan-deployed-staging',
    ],
    ['faults-long', 'load-spike'],
    ['load-soak'],
  ],
  'API trigger on main': [
    gates,
    ['images'],
    ['image-scan'],
    ['deploy-staging'],
    ['load-gate'],
    ['promote'],
    ['deploy-production'],
  ],
  'version tag': [gates, ['images'], ['image-scan']],
};

describe('the pipeline in each kind of build', () => {
  it.each(Object.entries(expected))('%s runs these steps in this order', (name, waves) => {
    const build = buildContexts[name as BuildContextName];
    expect(runOrder(simulateBuild(steps, build))).toEqual(waves);
  });

  // Contexts beyond the table: a UI build, a trigger from another pipeline, a branch whose name
  // starts like main, a nightly scheduled on a branch.
  const more: BuildContext[] = [
    ...Object.values(buildContexts),
    { source: 'ui', branch: 'main', tag: null },
    { source: 'trigger_job', branch: 'main', tag: null },
    { source: 'webhook', branch: 'main-hotfix', tag: null },
    { source: 'schedule', branch: 'feature/x', tag: null },
    { source: 'api', branch: 'main', tag: 'v2.0.0' },
  ];

  it('starts no deploy unless the image build and every gate of the same build passed before it', () => {
    for (const build of more) {
      const states = simulateBuild(steps, build);
      for (const deploy of deploys) {
        const state = states.get(deploy);
        if (state?.state !== 'passed') continue;
        for (const required of ['images', 'image-scan', ...gates]) {
          const before = states.get(required);
          expect(before?.state, `${deploy} in ${JSON.stringify(build)}: ${required}`).toBe(
            'passed',
          );
          expect(before && 'wave' in before ? before.wave : Infinity).toBeLessThan(state.wave);
        }
      }
    }
  });

  it('never lets a deploy into a build that lacks the image build or a gate, even if a dependency is excluded', () => {
    // Excluded dependencies are satisfied, so each deploy must carry conditions at least as strict
    // as the image build's and be excluded wherever it is.
    const problems: string[] = [];
    for (const build of more) {
      for (const deploy of [...deploys, 'promote', 'load-gate']) {
        const step = steps.find((candidate) => candidate.key === deploy)!;
        if (inclusion(step, build) !== undefined) continue;
        for (const required of ['images', 'image-scan', ...gates]) {
          const dependency = steps.find((candidate) => candidate.key === required)!;
          if (inclusion(dependency, build) !== undefined) {
            problems.push(`${deploy} is in ${JSON.stringify(build)} without ${required}`);
          }
          if (!transitiveDependencies(steps, deploy).has(required)) {
            problems.push(`${deploy} does not wait for ${required}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('ships nothing from the nightly build, wherever it was scheduled', () => {
    for (const build of more.filter((candidate) => candidate.source === 'schedule')) {
      const states = simulateBuild(steps, build);
      expect(shipping.map((key) => [key, states.get(key)?.state])).toEqual(
        shipping.map((key) => [key, 'excluded']),
      );
      expect(states.get('faults-long')?.state).toBe('passed');
      expect(pipelineData().steps.find((step) => step.key === 'faults-long')).toMatchObject({
        env: { FAULTS_SCALE: 'long' },
      });
    }
  });

  it('stops every shipping step of main when one gate fails', () => {
    const states = simulateBuild(steps, buildContexts['push to main'], (key) => ({
      exitStatus: key === 'policy' ? 1 : 0,
    }));
    expect(shipping.map((key) => [key, states.get(key)?.state])).toEqual(
      shipping.map((key) => [key, 'not_run']),
    );
    expect(states.get('load-gate')?.state).toBe('not_run');
  });

  it('holds production until a person unblocks the promotion', () => {
    const states = simulateBuild(steps, buildContexts['push to main'], (key) =>
      key === 'promote' ? { unblocked: false } : { exitStatus: 0 },
    );
    expect(states.get('load-gate')?.state).toBe('passed');
    expect(states.get('promote')).toEqual({ state: 'waiting', why: 'nobody unblocked it' });
    expect(states.get('deploy-production')?.state).toBe('waiting');
  });
});

describe("Buildkite's rules as the simulation applies them", () => {
  const step = (key: string, extra: Partial<ScheduledStep> = {}): ScheduledStep => ({
    key,
    dependsOn: [],
    branches: undefined,
    condition: undefined,
    allowDependencyFailure: false,
    softFail: [],
    isBlock: false,
    concurrencyGroup: undefined,
    ...extra,
  });
  const on = (key: string, allowFailure = false) => ({ key, allowFailure });
  const nightly = buildContexts['scheduled build'];

  it('treats a dependency excluded by its if as satisfied (the shape this pipeline used to have)', () => {
    const unsafe = [
      step('tests'),
      step('images', { dependsOn: [on('tests')], condition: 'build.source != "schedule"' }),
      step('deploy', { dependsOn: [on('images')] }),
    ];
    const states = simulateBuild(unsafe, nightly);
    expect(states.get('images')?.state).toBe('excluded');
    // The deploy starts at once, beside the tests, from an image this build never built.
    expect(states.get('deploy')).toEqual({ state: 'passed', wave: 0 });
  });

  it('stops dependents of a failure unless they allow it, and passes soft failures on', () => {
    const pipeline = [
      step('a'),
      step('b', { softFail: [2] }),
      step('after-a', { dependsOn: [on('a')] }),
      step('after-a-anyway', { dependsOn: [on('a')], allowDependencyFailure: true }),
      step('after-a-entry', { dependsOn: [on('a', true)] }),
      step('after-b', { dependsOn: [on('b')] }),
      step('after-after-a', { dependsOn: [on('after-a')] }),
    ];
    const states = simulateBuild(pipeline, nightly, (key) => ({
      exitStatus: key === 'a' ? 1 : key === 'b' ? 2 : 0,
    }));
    expect(states.get('a')?.state).toBe('failed');
    expect(states.get('b')?.state).toBe('soft_failed');
    expect(states.get('after-a')).toEqual({ state: 'not_run', why: 'a did not pass' });
    expect(states.get('after-a-anyway')?.state).toBe('passed');
    expect(states.get('after-a-entry')?.state).toBe('passed');
    expect(states.get('after-b')).toEqual({ state: 'passed', wave: 1 });
    expect(states.get('after-after-a')?.state).toBe('not_run');
  });

  it('refuses a dependency on a step that is not earlier in the pipeline', () => {
    expect(() => simulateBuild([step('a', { dependsOn: [on('zz')] })], nightly)).toThrow(
      /a depends on zz, which is not an earlier step/,
    );
  });

  it('keeps staging for the k6 gate of the build that deployed it, because the group is ordered', () => {
    const group = steps.filter((candidate) => candidate.concurrencyGroup === STAGING_GROUP);
    expect(group.map((candidate) => candidate.key)).toEqual([
      'deploy-staging',
      'load-gate',
      'load-stress',
      'load-spike',
      'load-soak',
    ]);
    for (const key of ['deploy-staging', 'load-gate']) {
      expect(pipelineData().steps.find((candidate) => candidate.key === key)).toMatchObject({
        concurrency: 1,
        concurrency_group: STAGING_GROUP,
        concurrency_method: 'ordered',
      });
    }
    // Build 41 deploys from t=2 to t=6; build 42 was uploaded at t=3 and its deploy is eligible
    // from t=5, before build 41's gate is (t=6).
    const jobs = [
      { id: '41/deploy-staging', created: 0, readyAt: 2, duration: 4 },
      { id: '41/load-gate', created: 0.1, readyAt: 0, after: '41/deploy-staging', duration: 4 },
      { id: '42/deploy-staging', created: 3, readyAt: 5, duration: 4 },
      { id: '42/load-gate', created: 3.1, readyAt: 0, after: '42/deploy-staging', duration: 4 },
    ];
    expect(groupStartOrder(jobs, 'ordered').map((job) => job.id)).toEqual([
      '41/deploy-staging',
      '41/load-gate',
      '42/deploy-staging',
      '42/load-gate',
    ]);
    // With `eager`, build 42 would redeploy staging before build 41's gate measured it.
    expect(groupStartOrder(jobs, 'eager').map((job) => job.id)).toEqual([
      '41/deploy-staging',
      '42/deploy-staging',
      '41/load-gate',
      '42/load-gate',
    ]);
  });
});
