// Every command-line tool of the load package, and the test kit's alert sender that developers
// run beside it, answers an unknown flag with its usage and status 2, not a stack trace.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// The test kit is built before this package's tests run (turbo's ^build).
const sendAlerts = fileURLToPath(
  new URL('cli/send-alerts.js', import.meta.resolve('@mastercom/testkit')),
);

const tools: [string, string, string[]][] = [
  ['pnpm bench', tsx, [source('bench/main.ts')]],
  ['pnpm load', tsx, [source('run-k6.ts')]],
  ['pnpm alerts:send', process.execPath, [sendAlerts]],
];

describe('command-line tools', () => {
  it.each(tools)('%s prints its usage on an unknown flag', (name, command, args) => {
    const run = spawnSync(command, [...args, '--no-such-flag'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, BASE_URL: '', NODE_OPTIONS: '' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--no-such-flag'");
    expect(run.stderr).toContain(`usage: ${name}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});
