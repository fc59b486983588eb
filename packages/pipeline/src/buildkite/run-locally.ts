// Runs the pipeline here: every step of the build that this machine can run, in the pipeline's
// order, with the commands read from the generated pipeline itself. Which steps belong to the build
// and when a dependency is satisfied follow Buildkite's documented rules (scheduling.ts). Steps
// that need what is not here (a Docker engine, registry credentials, a cluster, a deployed
// staging, a person) are skipped and the report says why; so are the steps after them.
import { spawn, spawnSync } from 'node:child_process';
import { repoRoot } from '../repository.js';
import type { BuildContext, BuildSource } from './build-context.js';
import { definePipeline, pipelineData, type Need, type PipelineData } from './pipeline.js';
import { inclusion, type ScheduledStep } from './scheduling.js';
import { describeStepCache, stepCache, summaryWatcher, type StepCache } from './turbo-cache.js';

export interface LocalStep extends ScheduledStep {
  readonly label: string;
  readonly commands: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly needs: readonly Need[];
}

export type Verdict =
  | {
      readonly key: string;
      readonly label: string;
      readonly action: 'run';
      readonly commands: readonly string[];
      readonly env: Readonly<Record<string, string>>;
    }
  | {
      readonly key: string;
      readonly label: string;
      /** `excluded`: not part of this build in Buildkite either; `skip`: cannot run here. */
      readonly action: 'excluded' | 'skip';
      readonly reason: string;
    };

/** Why each need is not met on this machine; a need that is met has no entry. */
export type MissingNeeds = Partial<Record<Need, string>>;

function softFailStatuses(value: unknown): (number | '*')[] {
  if (value === true || value === 'true') return ['*'];
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: { exit_status?: unknown }) =>
    entry.exit_status === '*' || typeof entry.exit_status === 'number' ? [entry.exit_status] : [],
  );
}

/** The pipeline's steps with what Buildkite's rules and the local runner need of each. */
export function localSteps(
  data: PipelineData = pipelineData(),
  plan = definePipeline().plan,
): LocalStep[] {
  const needsByKey = new Map(plan.map((step) => [step.key, step.needs]));
  return data.steps.map((step) => {
    const key = step.key ?? '';
    const commands = 'command' in step && step.command !== undefined ? [step.command].flat() : [];
    const dependsOn = [step.depends_on ?? []].flat().map((dependency) =>
      typeof dependency === 'string'
        ? { key: dependency, allowFailure: false }
        : {
            key: dependency.step ?? '',
            allowFailure: dependency.allow_failure === true,
          },
    );
    const isBlock = 'block' in step;
    const label = isBlock ? step.block : (step.label ?? key);
    const allowDependencyFailure = step.allow_dependency_failure === true;
    const command = isBlock ? undefined : step;
    return {
      key,
      label,
      commands,
      env: command?.env ?? {},
      dependsOn,
      branches: typeof step.branches === 'string' ? step.branches : step.branches?.join(' '),
      condition: typeof step.if === 'string' ? step.if : undefined,
      allowDependencyFailure,
      softFail: softFailStatuses(command?.soft_fail),
      isBlock,
      concurrencyGroup: command?.concurrency_group,
      needs: needsByKey.get(key) ?? [],
    };
  });
}

/**
 * Decides before running anything which steps can run here, and why the others cannot. Which
 * steps belong to the build is Buildkite's decision (see scheduling.ts); a step that belongs to it
 * but needs what this machine lacks is skipped here, and so is every step that depends on it,
 * since nothing here can say whether it would have passed.
 */
export function planLocally(
  steps: readonly LocalStep[],
  missing: MissingNeeds,
  build: BuildContext,
): Verdict[] {
  const excluded = new Set<string>();
  const skipped = new Set<string>();
  return steps.map((step): Verdict => {
    const notInBuild = inclusion(step, build);
    if (notInBuild !== undefined) {
      excluded.add(step.key);
      return { key: step.key, label: step.label, action: 'excluded', reason: notInBuild };
    }
    const unmet = step.needs.map((need) => missing[need]).filter((why) => why !== undefined);
    const blocked = step.dependsOn
      .map((dependency) => dependency.key)
      .filter((key) => skipped.has(key));
    const reason =
      unmet.length > 0
        ? `needs ${unmet.join('; ')}`
        : blocked.length > 0
          ? `depends on ${blocked.join(', ')}, which cannot run here`
          : undefined;
    if (reason === undefined) {
      return {
        key: step.key,
        label: step.label,
        action: 'run',
        commands: step.commands,
        env: step.env,
      };
    }
    skipped.add(step.key);
    return { key: step.key, label: step.label, action: 'skip', reason };
  });
}

/** Finds out which needs this machine meets, without changing anything. */
export function probeMachine(env: NodeJS.ProcessEnv = process.env): MissingNeeds {
  const succeeds = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: 'ignore', timeout: 15_000 });
    return result.status === 0;
  };
  const missing: MissingNeeds = {
    person: 'a person to press the block step in Buildkite',
  };
  if (!succeeds('docker', ['info']))
    missing.docker = 'a Docker engine (docker info gets no answer)';
  if (!env.IMAGE_REGISTRY) missing.registry = 'registry credentials (IMAGE_REGISTRY is not set)';
  if (!succeeds('kubectl', ['version', '--request-timeout=5s'])) {
    missing.cluster = 'a Kubernetes cluster (kubectl reaches none)';
  }
  if (!env.STAGING_URL) missing.staging = 'a deployed staging service (STAGING_URL is not set)';
  return missing;
}

const sources: readonly BuildSource[] = ['webhook', 'schedule', 'api', 'ui', 'trigger_job'];

/**
 * The build a local run stands for: BUILDKITE_SOURCE, BUILDKITE_BRANCH and BUILDKITE_TAG as
 * Buildkite sets them, else a push of the checked-out branch.
 */
export function currentBuild(env: NodeJS.ProcessEnv = process.env): BuildContext {
  const source = env.BUILDKITE_SOURCE ?? 'webhook';
  if (!sources.includes(source as BuildSource)) {
    throw new Error(`BUILDKITE_SOURCE=${source} is not one of ${sources.join(', ')}`);
  }
  const tag = env.BUILDKITE_TAG === '' ? null : (env.BUILDKITE_TAG ?? null);
  let branch = env.BUILDKITE_BRANCH ?? tag ?? '';
  if (branch === '') {
    const result = spawnSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    branch = result.status === 0 ? result.stdout.trim() : 'unknown';
  }
  return { source: source as BuildSource, branch, tag };
}

export type Execute = (command: string, env: Readonly<Record<string, string>>) => Promise<number>;

export const executeInRepository: Execute = (command, env) =>
  new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', command], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });

export interface StepResult {
  readonly key: string;
  readonly label: string;
  readonly outcome: 'passed' | 'soft failed' | 'failed' | 'not run' | 'skipped' | 'excluded';
  readonly detail: string;
  /** What Turbo replayed from its cache in the step, when run summaries were watched. */
  readonly cache?: StepCache;
}

export interface CacheOptions {
  /** Where Turbo writes its run summaries (.turbo/runs of the checkout). */
  readonly summaries: ReturnType<typeof summaryWatcher>;
  /**
   * A step that ran any cacheable Turbo task instead of replaying it fails: the proof that a
   * second run of the same commit is served from the cache.
   */
  readonly expectCached: boolean;
}

/** The checkout's run summaries, as the local runner watches them. */
export const repositorySummaries = () => summaryWatcher(`${repoRoot}/.turbo/runs`);

/**
 * Runs the verdicts in order under Buildkite's rules (scheduling.ts): a dependency excluded from
 * the build is satisfied; a failed one stops its dependents unless they allow dependency failure;
 * a soft-failed step counts as passed. Independent steps still run after a failure.
 */
export async function runPlan(
  verdicts: readonly Verdict[],
  steps: readonly LocalStep[],
  execute: Execute = executeInRepository,
  log: (line: string) => void = console.log,
  cacheOptions?: CacheOptions,
): Promise<StepResult[]> {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  const outcomes = new Map<string, StepResult['outcome']>();
  const results: StepResult[] = [];
  const record = (result: StepResult) => {
    outcomes.set(result.key, result.outcome);
    results.push(result);
  };
  for (const verdict of verdicts) {
    const { key, label } = verdict;
    if (verdict.action !== 'run') {
      record({
        key,
        label,
        outcome: verdict.action === 'excluded' ? 'excluded' : 'skipped',
        detail: verdict.reason,
      });
      continue;
    }
    const step = byKey.get(key);
    const unmet = (step?.dependsOn ?? []).filter((dependency) => {
      const outcome = outcomes.get(dependency.key);
      if (outcome === 'excluded' || outcome === 'passed' || outcome === 'soft failed') return false;
      if (outcome === 'skipped') return true;
      return !(step?.allowDependencyFailure === true || dependency.allowFailure);
    });
    if (unmet.length > 0) {
      record({
        key,
        label,
        outcome: 'not run',
        detail: `depends on ${unmet.map((dependency) => dependency.key).join(', ')}, which did not pass`,
      });
      continue;
    }
    const started = Date.now();
    const marked = cacheOptions?.summaries.mark();
    const env =
      cacheOptions === undefined ? verdict.env : { ...verdict.env, TURBO_RUN_SUMMARY: 'true' };
    let status = 0;
    for (const command of verdict.commands) {
      log(`--- ${label}: ${command}`);
      status = await execute(command, env);
      if (status !== 0) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const cache =
      cacheOptions && marked ? stepCache(cacheOptions.summaries.since(marked)) : undefined;
    const softFailed =
      status !== 0 &&
      (step?.softFail ?? []).some((allowed) => allowed === '*' || allowed === status);
    const notReplayed = status === 0 && cacheOptions?.expectCached === true && cache?.ran.length;
    const cacheDetail = cache === undefined ? '' : `, ${describeStepCache(cache)}`;
    record({
      key,
      label,
      outcome: notReplayed
        ? 'failed'
        : status === 0
          ? 'passed'
          : softFailed
            ? 'soft failed'
            : 'failed',
      detail:
        (status === 0 ? `${seconds}s` : `exit ${status} after ${seconds}s`) +
        cacheDetail +
        (notReplayed ? ' (expected every cacheable task from the cache)' : ''),
      ...(cache === undefined ? {} : { cache }),
    });
  }
  return results;
}

export function formatReport(results: readonly StepResult[]): string {
  const width = Math.max(...results.map((result) => result.label.length));
  const lines = results.map(
    (result) => `${result.label.padEnd(width)}  ${result.outcome.padEnd(7)}  ${result.detail}`,
  );
  const count = (...outcomes: StepResult['outcome'][]) =>
    results.filter((result) => outcomes.includes(result.outcome)).length;
  // One closing line in the plain 'N passed, N failed, N skipped' form; steps that Buildkite
  // would not run in this build, or that could not run here, count as skipped.
  return [
    ...lines,
    `${count('passed', 'soft failed')} passed, ${count('failed', 'not run')} failed, ${count('skipped', 'excluded')} skipped`,
  ].join('\n');
}
