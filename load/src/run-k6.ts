// `pnpm load` (Turbo task `load`): runs the bundled k6 scenarios against BASE_URL with the k6
// binary. k6 is not installed on developer machines; Buildkite's load step has it. Without k6
// this fails with that explanation rather than measuring with some other tool, because the gate
// is k6's thresholds and nothing else computes them the same way.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const K6_MISSING_MESSAGE =
  'pnpm load needs the k6 binary on PATH, and it is not there. The k6 stage runs in Buildkite ' +
  "(its load step has k6); locally, install k6 from Grafana's packages, or use `pnpm bench` for " +
  'the autocannon bench against a local service.';

export type K6Plan =
  | { readonly ok: true; readonly command: string; readonly args: string[] }
  | { readonly ok: false; readonly message: string };

/** The k6 executable on PATH, or undefined. */
export function findOnPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const directory of (pathVariable ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      // The directories come from the caller's own PATH, as a shell would search them.
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** What `pnpm load` would run for this environment, or why it cannot run. */
export function planK6Run(
  env: Readonly<Record<string, string | undefined>>,
  script: string,
  locate: (name: string) => string | undefined = (name) => findOnPath(name, env.PATH),
): K6Plan {
  const k6 = locate('k6');
  if (k6 === undefined) return { ok: false, message: K6_MISSING_MESSAGE };
  const missing = ['BASE_URL', 'LOAD_WEBHOOK_SECRET', 'LOAD_API_TOKEN'].filter(
    (name) => (env[name] ?? '') === '',
  );
  if (missing.length > 0) {
    return { ok: false, message: `pnpm load needs ${missing.join(', ')} in the environment` };
  }
  // k6 reads the variables from its own environment into __ENV; the scenario is one of them.
  return { ok: true, command: k6, args: ['run', '--no-color', script] };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  try {
    parseArgs({ options: {} });
  } catch (error) {
    console.error(
      `load: ${(error as Error).message}\nusage: pnpm load (no flags: LOAD_SCENARIO, BASE_URL, LOAD_WEBHOOK_SECRET and LOAD_API_TOKEN come from the environment)`,
    );
    process.exit(2);
  }
  const script = fileURLToPath(new URL('../dist/k6/mastercom.js', import.meta.url));
  const plan = planK6Run(process.env, script);
  if (!plan.ok) {
    console.error(plan.message);
    process.exit(1);
  }
  console.log(`k6 ${process.env.LOAD_SCENARIO ?? 'smoke'} against ${process.env.BASE_URL ?? ''}`);
  const child = spawn(plan.command, plan.args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === null ? 0 : 1));
  });
}
