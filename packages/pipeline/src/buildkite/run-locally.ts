// Runs the pipeline here: every step whose needs this machine meets, in the pipeline's order,
// with the commands read from the generated pipeline itself. Steps that need what is not here (a
// Docker engine, registry credentials, a cluster, a deployed staging, a person) are skipped and
// the report says why; so are the steps after them.
import { spawn, spawnSync } from 'node:child_process';
import { repoRoot } from '../repository.js';
import { definePipeline, pipelineData, type Need, type PipelineData } from './pipeline.js';

export interface LocalStep {
  readonly key: string;
  readonly label: string;
  readonly commands: readonly string[];
  readonly dependsOn: readonly string[];
  readonly branches: string | undefined;
  /** The step's Buildkite `if` condition, when it has one. */
  readonly condition: string | undefined;
  readonly needs: readonly Need[];
}

export type Verdict =
  | {
      readonly key: string;
      readonly label: string;
      readonly action: 'run';
      readonly commands: readonly string[];
    }
  | {
      readonly key: string;
      readonly label: string;
      readonly action: 'skip';
      readonly reason: string;
    };

/** Why each need is not met on this machine; a need that is met has no entry. */
export type MissingNeeds = Partial<Record<Need, string>>;

export function localSteps(
  data: PipelineData = pipelineData(),
  plan = definePipeline().plan,
): LocalStep[] {
  const needsByKey = new Map(plan.map((step) => [step.key, step.needs]));
  return data.steps.map((step) => {
    const key = step.key ?? '';
    const commands = 'command' in step && step.command !== undefined ? [step.command].flat() : [];
    const dependsOn = [step.depends_on ?? []]
      .flat()
      .map((dependency) => (typeof dependency === 'string' ? dependency : (dependency.step ?? '')));
    const label = 'block' in step ? step.block : (step.label ?? key);
    return {
      key,
      label,
      commands,
      dependsOn,
      branches: typeof step.branches === 'string' ? step.branches : step.branches?.join(' '),
      condition: 'if' in step && typeof step.if === 'string' ? step.if : undefined,
      needs: needsByKey.get(key) ?? [],
    };
  });
}

/** Decides before running anything which steps can run here, and why the others cannot. */
export function planLocally(
  steps: readonly LocalStep[],
  missing: MissingNeeds,
  branch: string,
  /** Buildkite's `build.source`; a run here is not a scheduled build unless told so. */
  source = 'local',
): Verdict[] {
  const skipped = new Set<string>();
  return steps.map((step): Verdict => {
    const reason = skipReason(step, missing, branch, skipped) ?? conditionSkip(step, source);
    if (reason === undefined)
      return { key: step.key, label: step.label, action: 'run', commands: step.commands };
    skipped.add(step.key);
    return { key: step.key, label: step.label, action: 'skip', reason };
  });
}

function skipReason(
  step: LocalStep,
  missing: MissingNeeds,
  branch: string,
  skipped: Set<string>,
): string | undefined {
  const unmet = step.needs.map((need) => missing[need]).filter((why) => why !== undefined);
  if (unmet.length > 0) return `needs ${unmet.join('; ')}`;
  if (step.branches !== undefined && !step.branches.split(/\s+/).includes(branch)) {
    return `runs only on ${step.branches} (this is ${branch})`;
  }
  const blocked = step.dependsOn.filter((dependency) => skipped.has(dependency));
  if (blocked.length > 0) return `depends on ${blocked.join(', ')}, which did not run`;
  return undefined;
}

/**
 * The `if` conditions the pipeline uses, evaluated as Buildkite would for a build from `source`.
 * Any other condition is an error: the local run must not guess whether a step would run.
 */
const CONDITIONS: Record<string, (source: string) => boolean> = {
  'build.source == "schedule"': (source) => source === 'schedule',
  'build.source != "schedule"': (source) => source !== 'schedule',
};

function conditionSkip(step: LocalStep, source: string): string | undefined {
  if (step.condition === undefined) return undefined;
  const holds = CONDITIONS[step.condition];
  if (holds === undefined) {
    throw new Error(`${step.key}: the local runner does not know the condition ${step.condition}`);
  }
  return holds(source) ? undefined : `runs only when ${step.condition} (this is a ${source} build)`;
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

export function currentBranch(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BUILDKITE_BRANCH) return env.BUILDKITE_BRANCH;
  const result = spawnSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

export type Execute = (command: string) => Promise<number>;

export const executeInRepository: Execute = (command) =>
  new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', command], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });

export interface StepResult {
  readonly key: string;
  readonly label: string;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
}

/** Runs the verdicts in order; a failed step's dependents are skipped, independent steps still run. */
export async function runPlan(
  verdicts: readonly Verdict[],
  steps: readonly LocalStep[],
  execute: Execute = executeInRepository,
  log: (line: string) => void = console.log,
): Promise<StepResult[]> {
  const dependsOn = new Map(steps.map((step) => [step.key, step.dependsOn]));
  const notPassed = new Set<string>();
  const results: StepResult[] = [];
  for (const verdict of verdicts) {
    if (verdict.action === 'skip') {
      notPassed.add(verdict.key);
      results.push({
        key: verdict.key,
        label: verdict.label,
        outcome: 'skipped',
        detail: verdict.reason,
      });
      continue;
    }
    const failedDependencies = (dependsOn.get(verdict.key) ?? []).filter((key) =>
      notPassed.has(key),
    );
    if (failedDependencies.length > 0) {
      notPassed.add(verdict.key);
      results.push({
        key: verdict.key,
        label: verdict.label,
        outcome: 'skipped',
        detail: `depends on ${failedDependencies.join(', ')}, which did not pass`,
      });
      continue;
    }
    const started = Date.now();
    let status = 0;
    for (const command of verdict.commands) {
      log(`--- ${verdict.label}: ${command}`);
      status = await execute(command);
      if (status !== 0) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (status !== 0) notPassed.add(verdict.key);
    results.push({
      key: verdict.key,
      label: verdict.label,
      outcome: status === 0 ? 'passed' : 'failed',
      detail: status === 0 ? `${seconds}s` : `exit ${status} after ${seconds}s`,
    });
  }
  return results;
}

export function formatReport(results: readonly StepResult[]): string {
  const width = Math.max(...results.map((result) => result.label.length));
  const lines = results.map(
    (result) => `${result.label.padEnd(width)}  ${result.outcome.padEnd(7)}  ${result.detail}`,
  );
  const count = (outcome: StepResult['outcome']) =>
    results.filter((result) => result.outcome === outcome).length;
  return [
    ...lines,
    `${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`,
  ].join('\n');
}
