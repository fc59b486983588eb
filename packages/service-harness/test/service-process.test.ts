/* eslint-disable security/detect-non-literal-fs-filename -- the service package's own files, found through its manifest */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceProcess, serviceMainPath } from '../src/index.js';

describe('the service process', () => {
  it("finds the service through this package's declared dependency, as its ./main export", () => {
    const main = serviceMainPath();
    expect(existsSync(main)).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(dirname(dirname(main)), 'package.json'), 'utf8'),
    ) as {
      name: string;
      exports: Record<string, { default: string }>;
    };
    expect(manifest.name).toBe('@mastercom/service');
    expect(join(dirname(dirname(main)), manifest.exports['./main']!.default)).toBe(main);
  });

  it('rejects, with the reason the service printed, when it stops before it is ready', async () => {
    // No DATABASE_URL: configuration refuses to start in every environment.
    const start = ServiceProcess.start({ name: 'unconfigured', env: { NODE_ENV: 'test' } });
    await expect(start).rejects.toThrow(/unconfigured[\s\S]*DATABASE_URL/);
    // Loading the service's modules takes seconds on a machine busy with the other suites.
  }, 60_000);
});
