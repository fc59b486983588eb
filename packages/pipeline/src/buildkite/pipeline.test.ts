/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import ts from 'typescript';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { listWorkspacePackages } from '../policy/package-scripts.js';
import { repoPath } from '../repository.js';
import {
  conditions,
  gateKeys,
  INSTALL,
  nightlyLoadProfiles,
  STAGING_GROUP,
  pipelineData,
  pipelineYaml,
  UNIT_PARALLELISM,
  type PipelineData,
} from './pipeline.js';

const data = pipelineData();
type Step = PipelineData['steps'][number];

function step(key: string): Step {
  const found = data.steps.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
}

function dependencies(candidate: Step): string[] {
  return [candidate.depends_on ?? []]
    .flat()
    .map((dependency) => (typeof dependency === 'string' ? dependency : (dependency.step ?? '')));
}

function commandSteps() {
  return data.steps.flatMap((candidate) =>
    'command' in candidate && candidate.command !== undefined
      ? [{ ...candidate, commands: [candidate.command].flat() }]
      : [],
  );
}

/** Task names turbo.json declares, without the `//#` or `package#` prefix. */
function turboTasks(): Set<string> {
  const parsed = ts.parseConfigFileTextToJson(
    'turbo.json',
    readFileSync(repoPath('turbo.json'), 'utf8'),
  );
  const config = parsed.config as { tasks: Record<string, unknown> };
  return new Set(Object.keys(config.tasks).map((task) => task.slice(task.indexOf('#') + 1)));
}

/** What is wrong with one command: it must run declared Turbo tasks or an executable script. */
function commandProblems(key: string, command: string, tasks: Set<string>): string[] {
  const words = command.split(' ');
  const undeclared = (task: string | undefined) =>
    task !== undefined && tasks.has(task)
      ? []
      : [`${key}: ${task ?? '(none)'} is not a task in turbo.json`];
  if (words.slice(0, 3).join(' ') === 'pnpm turbo run') {
    const named = words.slice(3).filter((word) => !word.startsWith('-'));
    return named.length === 0 ? undeclared(undefined) : named.flatMap(undeclared);
  }
  const [script = '', firstArgument] = words;
  if (!script.startsWith('scripts/')) {
    return [`${key}: ${command} neither runs a Turbo task nor a script under scripts/`];
  }
  try {
    accessSync(repoPath(script), constants.X_OK);
  } catch {
    return [`${key}: ${script} is missing or not executable`];
  }
  // The Vitest stage script takes a Turbo task as its first argument.
  return script === 'scripts/ci/vitest-stage.sh' ? undeclared(firstArgument) : [];
}

describe('.buildkite/pipeline.yml', () => {
  it('is exactly what the TypeScript definition generates', () => {
    expect(readFileSync(repoPath('.buildkite', 'pipeline.yml'), 'utf8')).toBe(pipelineYaml());
  });

  it('is valid YAML holding the same pipeline', () => {
    expect(parse(readFileSync(repoPath('.buildkite', 'pipeline.yml'), 'utf8'))).toEqual(data);
  });
});

describe('the pipeline', () => {
  it('gives every step a unique key and depends only on earlier steps', () => {
    const seen = new Set<string>();
    for (const candidate of data.steps) {
      expect(candidate.key).toBeDefined();
      expect(seen.has(candidate.key ?? '')).toBe(false);
      for (const dependency of dependencies(candidate)) expect(seen).toContain(dependency);
      seen.add(candidate.key ?? '');
    }
  });

  it('calls a declared Turbo task or an executable script of this repository in every command step', () => {
    const tasks = turboTasks();
    const problems: string[] = [];
    for (const candidate of commandSteps()) {
      for (const command of candidate.commands) {
        problems.push(...commandProblems(candidate.key ?? '', command, tasks));
      }
    }
    expect(problems).toEqual([]);
  });

  it('would notice an undeclared task or a missing script', () => {
    const tasks = turboTasks();
    expect(commandProblems('x', 'pnpm turbo run lint deploy:staging', tasks)).toEqual([
      'x: deploy:staging is not a task in turbo.json',
    ]);
    expect(commandProblems('x', 'scripts/teardown.sh production', tasks)).toEqual([
      'x: scripts/teardown.sh is missing or not executable',
    ]);
    // scripts/lib/release.sh is sourced, never run, so it is not executable.
    expect(commandProblems('x', 'scripts/lib/release.sh', tasks)).toEqual([
      'x: scripts/lib/release.sh is missing or not executable',
    ]);
    expect(commandProblems('x', 'make deploy', tasks)).toEqual([
      'x: make deploy neither runs a Turbo task nor a script under scripts/',
    ]);
    expect(commandProblems('x', 'scripts/ci/vitest-stage.sh e2e', tasks)).toEqual([
      'x: e2e is not a task in turbo.json',
    ]);
  });

  it('runs the test script of every workspace package in some step', () => {
    const covered = new Set(
      commandSteps()
        .flatMap((candidate) => candidate.commands)
        .filter((command) => command.startsWith('scripts/ci/vitest-stage.sh test '))
        .flatMap((command) => command.split(' ').filter((word) => word.startsWith('--filter=')))
        .map((filter) => filter.slice('--filter='.length)),
    );
    // The policy step runs this package's tests through turbo.json's //#policy dependency.
    const parsed = ts.parseConfigFileTextToJson(
      'turbo.json',
      readFileSync(repoPath('turbo.json'), 'utf8'),
    );
    const policy = (parsed.config as { tasks: Record<string, { dependsOn?: string[] }> }).tasks[
      '//#policy'
    ];
    for (const dependency of policy?.dependsOn ?? []) {
      if (dependency.endsWith('#test')) covered.add(dependency.slice(0, -'#test'.length));
    }
    const withTests = listWorkspacePackages()
      .filter((pkg) => pkg.scripts.test !== undefined)
      .map((pkg) => pkg.name);
    expect(withTests.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('starts the gates together and builds the image only after every gate', () => {
    const independent = data.steps
      .filter((candidate) => dependencies(candidate).length === 0)
      .filter((candidate) => candidate.if !== conditions.nightly)
      .map((candidate) => candidate.key);
    expect(independent).toEqual([...gateKeys]);
    expect(step('quality')).toMatchObject({ label: ':eslint: Code Quality' });
    expect(dependencies(step('images')).sort()).toEqual([...gateKeys].sort());
    // The smoke test inside it runs the test kit, so the image step installs the workspace first.
    expect(step('images')).toMatchObject({ command: [INSTALL, 'scripts/build-image.sh'] });
  });

  it('runs the long suites only in the nightly scheduled build, which ships nothing', () => {
    expect(step('faults')).toMatchObject({ command: [INSTALL, 'scripts/ci/fault-campaign.sh'] });
    expect(step('faults-long')).toMatchObject({
      command: [INSTALL, 'scripts/ci/fault-campaign.sh'],
      env: { FAULTS_SCALE: 'long' },
      if: 'build.source == "schedule"',
    });
    expect(dependencies(step('faults-long'))).toEqual(['faults']);
    for (const profile of nightlyLoadProfiles) {
      expect(step(`load-${profile}`)).toMatchObject({
        command: 'scripts/load-gate.sh',
        env: { LOAD_SCENARIO: profile },
        if: conditions.nightly,
        concurrency_group: STAGING_GROUP,
      });
    }
    expect(step('images')).toMatchObject({ if: 'build.source != "schedule"' });
    for (const key of ['deploy-staging', 'load-gate', 'promote', 'deploy-production']) {
      expect(step(key)).toMatchObject({ if: conditions.deploys, branches: 'main' });
    }
  });

  it('runs the k6 gate between the staging deploy and the promotion block, holding staging', () => {
    expect(dependencies(step('deploy-staging')).sort()).toEqual(
      ['images', 'image-scan', ...gateKeys].sort(),
    );
    expect(step('image-scan')).toMatchObject({
      command: 'scripts/scan-image.sh',
      depends_on: ['images'],
      if: conditions.buildsImage,
    });
    expect(dependencies(step('load-gate'))).toEqual(['deploy-staging']);
    expect(step('load-gate')).toMatchObject({
      command: 'scripts/load-gate.sh --expect-commit',
      concurrency: 1,
      concurrency_group: STAGING_GROUP,
      concurrency_method: 'ordered',
    });
    expect(step('promote')).toMatchObject({
      block: ':rocket: Promote to production',
      branches: 'main',
      allowed_teams: ['mastercom-release-managers'],
    });
    expect(dependencies(step('promote'))).toEqual(['load-gate']);
  });

  it('deploys production only on main, after the block, one deploy at a time', () => {
    expect(dependencies(step('deploy-production')).sort()).toEqual(
      ['promote', 'load-gate', 'deploy-staging', 'images', 'image-scan', ...gateKeys].sort(),
    );
    expect(step('deploy-production')).toMatchObject({
      branches: 'main',
      command: 'scripts/deploy.sh production',
      concurrency: 1,
      concurrency_group: 'mastercom-service/production',
    });
    expect(step('deploy-staging')).toMatchObject({
      concurrency: 1,
      concurrency_group: STAGING_GROUP,
    });
  });

  it('retries automatically only when an agent is lost, and never re-runs a passed deploy', () => {
    const automatic = [
      { exit_status: -1, limit: 2 },
      { signal_reason: 'agent_stop', limit: 2 },
    ];
    for (const candidate of commandSteps()) {
      expect(candidate.retry?.automatic).toEqual(automatic);
    }
    const deploys = commandSteps().filter((candidate) =>
      candidate.commands.some((command) => command.startsWith('scripts/deploy.sh')),
    );
    expect(deploys.map((candidate) => candidate.key)).toEqual([
      'deploy-staging',
      'deploy-production',
    ]);
    for (const candidate of deploys) {
      expect(candidate.retry?.manual).toMatchObject({ permit_on_passed: false });
    }
    const manual = commandSteps()
      .filter((candidate) => candidate.retry?.manual !== undefined)
      .map((candidate) => candidate.key);
    expect(manual).toEqual(['deploy-staging', 'deploy-production']);
  });

  it('installs after the cache plugin restored the store, and caches the store and turbo per step', () => {
    // The repository hook runs before plugin hooks: it must bring only the toolchain.
    const hook = readFileSync(repoPath('.buildkite', 'hooks', 'pre-command'), 'utf8');
    expect(hook).toContain('SETUP_INSTALL=false source scripts/setup.sh');
    expect(hook).not.toMatch(/^\s*pnpm install/m);
    for (const key of [...gateKeys, 'faults-long']) {
      const candidate = step(key) as { command: string[]; plugins: Record<string, unknown>[] };
      expect(candidate.command[0]).toBe(INSTALL);
      expect(candidate.plugins.map((plugin) => Object.values(plugin)[0])).toEqual([
        expect.objectContaining({ path: '.pnpm-store', manifest: 'pnpm-lock.yaml' }),
        expect.objectContaining({ path: '.turbo/cache', restore: 'step', save: 'step' }),
      ]);
    }
  });

  it('caches the pnpm store for every gate and uploads JUnit and coverage from the test steps', () => {
    for (const key of gateKeys) {
      const plugins = JSON.stringify((step(key) as { plugins?: unknown }).plugins);
      expect(plugins).toContain('"manifest":"pnpm-lock.yaml"');
    }
    for (const key of ['unit', 'webhook', 'integration']) {
      const artifacts = (step(key) as { artifact_paths?: string[] }).artifact_paths ?? [];
      expect(artifacts).toEqual(
        expect.arrayContaining([
          'packages/*/reports/junit.xml',
          'packages/*/reports/coverage/**/*',
        ]),
      );
    }
    expect(step('integration')).toMatchObject({ agents: { queue: 'docker' } });
  });

  it('shards the unit stage across its parallel jobs', () => {
    expect(step('unit')).toMatchObject({ parallelism: UNIT_PARALLELISM });
    const command = ((step('unit') as { command: string[] }).command[1] ?? '').split(' ');
    const printed = execFileSync(repoPath(command[0] ?? ''), command.slice(1), {
      env: {
        ...process.env,
        VITEST_STAGE_DRY_RUN: '1',
        BUILDKITE_PARALLEL_JOB: '2',
        BUILDKITE_PARALLEL_JOB_COUNT: String(UNIT_PARALLELISM),
      },
      encoding: 'utf8',
    });
    expect(printed).toContain(`--shard=3/${UNIT_PARALLELISM}`);
    expect(printed).toContain(
      'pnpm turbo run test --filter=@mastercom/service --filter=@mastercom/contracts --filter=@mastercom/tooling --',
    );
  });
});
