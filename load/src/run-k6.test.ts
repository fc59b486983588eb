import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findOnPath, K6_MISSING_MESSAGE, planK6Run } from './run-k6.js';

const run = promisify(execFile);
const env = {
  BASE_URL: 'http://127.0.0.1:8080',
  LOAD_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  LOAD_API_TOKEN: 'token',
};

describe('planK6Run', () => {
  it('fails with the reason when k6 is not on PATH, naming Buildkite', () => {
    const plan = planK6Run(env, 'dist/k6/mastercom.js', () => undefined);
    expect(plan).toEqual({ ok: false, message: K6_MISSING_MESSAGE });
    expect(K6_MISSING_MESSAGE).toMatch(/needs the k6 binary/);
    expect(K6_MISSING_MESSAGE).toMatch(/Buildkite/);
  });

  it('runs the bundled script with k6 when k6 is found and the environment is complete', () => {
    expect(planK6Run(env, 'dist/k6/mastercom.js', () => '/opt/k6/k6')).toEqual({
      ok: true,
      command: '/opt/k6/k6',
      args: ['run', '--no-color', 'dist/k6/mastercom.js'],
    });
  });

  it('names every missing variable before starting k6', () => {
    const plan = planK6Run({ BASE_URL: 'http://127.0.0.1:8080' }, 'x.js', () => '/opt/k6/k6');
    expect(plan).toEqual({
      ok: false,
      message: 'pnpm load needs LOAD_WEBHOOK_SECRET, LOAD_API_TOKEN in the environment',
    });
  });
});

describe('findOnPath', () => {
  it('finds an executable the way a shell searches PATH and skips empty entries', () => {
    expect(findOnPath('node', `::${process.execPath.replace(/\/node$/, '')}`)).toBe(
      process.execPath,
    );
    expect(findOnPath('node', '/nonexistent-dir')).toBeUndefined();
    expect(findOnPath('node', undefined)).toBeUndefined();
  });
});

describe('pnpm load without k6', () => {
  it('exits 1 with the explanation instead of running another tool', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const script = fileURLToPath(new URL('./run-k6.ts', import.meta.url));
    const failure = await run(process.execPath, [tsx, script], {
      env: { ...env, PATH: '/nonexistent-dir' },
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(K6_MISSING_MESSAGE);
  });
});
