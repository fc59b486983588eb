// Buildkite's scheduling rules, encoded once: which steps a build contains, when a step may start,
// what a failed, soft-failed or skipped dependency means, and in which order the jobs of a
// concurrency group start. The local runner and the pipeline's tests both use these rules, so a
// pipeline that is only safe under a rule Buildkite does not have cannot pass here.
import type { BuildContext } from './build-context.js';
import { branchMatches, evaluateCondition } from './conditionals.js';

export interface ScheduledStep {
  readonly key: string;
  readonly dependsOn: readonly { readonly key: string; readonly allowFailure: boolean }[];
  readonly branches: string | undefined;
  readonly condition: string | undefined;
  readonly allowDependencyFailure: boolean;
  /** Exit statuses that soft-fail the step; '*' is any non-zero status. */
  readonly softFail: readonly (number | '*')[];
  readonly isBlock: boolean;
  readonly concurrencyGroup: string | undefined;
}

/**
 * Whether a step is part of a build at all. A step whose `branches` do not match is not added to
 * the build ("Step-level branch filtering",
 * https://buildkite.com/docs/pipelines/configure/workflows/branch-configuration), and a step whose
 * `if` is false is skipped (https://buildkite.com/docs/pipelines/configure/conditionals).
 */
export function inclusion(step: ScheduledStep, build: BuildContext): string | undefined {
  if (step.branches !== undefined && !branchMatches(step.branches, build.branch)) {
    return `not on ${build.branch} (branches: ${step.branches})`;
  }
  if (step.condition !== undefined && !evaluateCondition(step.condition, build)) {
    return `if: ${step.condition} is false`;
  }
  return undefined;
}

export type StepState =
  | { readonly state: 'excluded'; readonly why: string }
  | { readonly state: 'passed' | 'soft_failed' | 'failed'; readonly wave: number }
  | { readonly state: 'not_run'; readonly why: string }
  | { readonly state: 'waiting'; readonly why: string };

/** How a step that runs ends: its exit status, or for a block step whether a person unblocks it. */
export type Outcome = (key: string) => { exitStatus: number } | { unblocked: boolean };

export const everythingPasses: Outcome = () => ({ exitStatus: 0, unblocked: true });

/**
 * One build, step by step, under Buildkite's rules:
 *
 * - A dependency on a step that is not in the build (its `if` false, its branch filtered out) is
 *   satisfied: "How skipped steps affect dependencies" in
 *   https://buildkite.com/docs/pipelines/configure/depends-on. So a step that must never run
 *   without another needs the same condition itself; depending on it is not enough.
 * - A dependency that failed stops the dependent (it is not run) unless the dependent sets
 *   `allow_dependency_failure: true` or that dependency entry says `allow_failure: true`
 *   (same page, "Allowing dependency failures").
 * - A soft-failed step is marked as passed and the build continues
 *   (https://buildkite.com/docs/pipelines/configure/soft-fail).
 * - A block step holds its dependents until a person unblocks it
 *   (https://buildkite.com/docs/pipelines/configure/step-types/block-step).
 *
 * `wave` is when a step starts, counted in finished dependency layers: steps of the same wave may
 * run at the same time, a step always starts after every step it depends on that is in the build.
 */
export function simulateBuild(
  steps: readonly ScheduledStep[],
  build: BuildContext,
  outcome: Outcome = everythingPasses,
): Map<string, StepState> {
  const states = new Map<string, StepState>();
  for (const step of steps) {
    const excluded = inclusion(step, build);
    if (excluded !== undefined) {
      states.set(step.key, { state: 'excluded', why: excluded });
      continue;
    }
    let wave = 0;
    let stop: StepState | undefined;
    for (const dependency of step.dependsOn) {
      const before = states.get(dependency.key);
      if (before === undefined) {
        throw new Error(`${step.key} depends on ${dependency.key}, which is not an earlier step`);
      }
      if (before.state === 'excluded') continue;
      if (before.state === 'waiting') {
        stop ??= { state: 'waiting', why: `waits for ${dependency.key}` };
        continue;
      }
      if (before.state === 'failed' || before.state === 'not_run') {
        if (step.allowDependencyFailure || dependency.allowFailure) continue;
        stop ??= { state: 'not_run', why: `${dependency.key} did not pass` };
        continue;
      }
      wave = Math.max(wave, before.wave + 1);
    }
    if (stop !== undefined) {
      states.set(step.key, stop);
      continue;
    }
    const result = outcome(step.key);
    if (step.isBlock) {
      const unblocked = 'unblocked' in result ? result.unblocked : true;
      states.set(
        step.key,
        unblocked ? { state: 'passed', wave } : { state: 'waiting', why: 'nobody unblocked it' },
      );
      continue;
    }
    const status = 'exitStatus' in result ? result.exitStatus : 0;
    if (status === 0) states.set(step.key, { state: 'passed', wave });
    else if (step.softFail.some((allowed) => allowed === '*' || allowed === status)) {
      states.set(step.key, { state: 'soft_failed', wave });
    } else states.set(step.key, { state: 'failed', wave });
  }
  return states;
}

/** The keys of the steps that ran, in start order (by wave, then pipeline order). */
export function runOrder(states: Map<string, StepState>): string[][] {
  const waves: string[][] = [];
  for (const [key, state] of states) {
    if (state.state !== 'passed' && state.state !== 'soft_failed' && state.state !== 'failed') {
      continue;
    }
    (waves[state.wave] ??= []).push(key);
  }
  return waves.filter((wave) => wave.length > 0);
}

/** Every step a step waits for, directly or through others. */
export function transitiveDependencies(steps: readonly ScheduledStep[], key: string): Set<string> {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const dependency of byKey.get(current)?.dependsOn ?? []) {
      if (seen.has(dependency.key)) continue;
      seen.add(dependency.key);
      visit(dependency.key);
    }
  };
  visit(key);
  return seen;
}

export interface GroupJob {
  /** Build number and step key, e.g. "41/load-gate". */
  readonly id: string;
  /** When the job was created: all jobs of a build are created when its pipeline is uploaded. */
  readonly created: number;
  /** When its dependencies are done, if it has none in the group; see `after`. */
  readonly readyAt: number;
  /** A job of the same build it waits for (its start is that job's end). */
  readonly after?: string;
  readonly duration: number;
}

/**
 * The start order of the jobs of one concurrency group with `concurrency: 1`. With
 * `concurrency_method: ordered` (the default) jobs start in the order they were created, so a job
 * that is still waiting for its dependencies holds back every job created after it; with `eager`
 * any eligible job may take a free slot. Source:
 * https://buildkite.com/docs/pipelines/configure/workflows/controlling-concurrency
 * ("Concurrency groups", "Concurrency and parallelism") and the changelog entry introducing
 * `eager` (https://buildkite.com/changelog/134-eager-concurrency): "will only start executing in
 * the order they were created". This is what lets two steps of one build hold a shared resource
 * between them: the later step was created before any job of the next build.
 */
export function groupStartOrder(
  jobs: readonly GroupJob[],
  method: 'ordered' | 'eager',
): { id: string; start: number; end: number }[] {
  const pending = [...jobs].sort((a, b) => a.created - b.created);
  const ends = new Map<string, number>();
  const started: { id: string; start: number; end: number }[] = [];
  let free = 0;
  const readyAt = (job: GroupJob) => {
    if (job.after === undefined) return job.readyAt;
    const end = ends.get(job.after);
    return end === undefined ? Number.POSITIVE_INFINITY : Math.max(end, job.readyAt);
  };
  while (pending.length > 0) {
    const candidates = method === 'ordered' ? pending.slice(0, 1) : pending;
    let best: GroupJob | undefined;
    for (const job of candidates) {
      if (best === undefined || readyAt(job) < readyAt(best)) best = job;
    }
    if (best === undefined || !Number.isFinite(readyAt(best))) {
      throw new Error(`the group cannot make progress: ${pending.map((job) => job.id).join(', ')}`);
    }
    const start = Math.max(free, readyAt(best));
    const end = start + best.duration;
    ends.set(best.id, end);
    started.push({ id: best.id, start, end });
    free = end;
    pending.splice(pending.indexOf(best), 1);
  }
  return started;
}
