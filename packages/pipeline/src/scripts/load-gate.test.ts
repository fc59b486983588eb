/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside a temporary folder the test made */
// scripts/load-gate.sh against a fake staging /health on 127.0.0.1, with recording stand-ins for
// pnpm and docker (there is neither k6 nor a Docker engine here): the gate must refuse numbers
// measured on another commit than the one this build deployed.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';

let root: string;
let server: Server;
let url: string;
/** The version staging reports; `afterK6` once the docker stand-in has run. */
let versions: { before: string; afterK6: string };

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'load-gate-'));
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(repoPath('scripts', 'load-gate.sh'), path.join(root, 'scripts', 'load-gate.sh'));
  mkdirSync(path.join(root, 'load', 'dist', 'k6'), { recursive: true });
  writeFileSync(path.join(root, 'load', 'dist', 'k6', 'mastercom.js'), '// bundle\n');
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(path.join(root, 'bin', 'pnpm'), '#!/usr/bin/env bash\nexit 0\n');
  writeFileSync(
    path.join(root, 'bin', 'docker'),
    `#!/usr/bin/env bash\necho "$*" >> "${root}/docker.log"\n`,
  );
  chmodSync(path.join(root, 'bin', 'pnpm'), 0o755);
  chmodSync(path.join(root, 'bin', 'docker'), 0o755);
  versions = { before: 'abc123', afterK6: 'abc123' };
  server = createServer((req, res) => {
    const ran = existsSync(path.join(root, 'docker.log'));
    const body = { status: 'ok', version: ran ? versions.afterK6 : versions.before };
    res
      .writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

function gate(args: string[], env: Record<string, string> = {}) {
  const child = spawn('bash', [path.join(root, 'scripts', 'load-gate.sh'), ...args], {
    env: {
      ...process.env,
      PATH: `${path.join(root, 'bin')}:${process.env.PATH ?? ''}`,
      STAGING_URL: url,
      LOAD_WEBHOOK_SECRET: 'whsec_c2VjcmV0',
      LOAD_API_TOKEN: 'token',
      BUILDKITE_COMMIT: 'abc123',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string; ran: boolean }>(
    (resolve) =>
      child.on('close', (status) =>
        resolve({ status, stdout, stderr, ran: existsSync(path.join(root, 'docker.log')) }),
      ),
  );
}

describe('scripts/load-gate.sh --expect-commit', () => {
  it('runs k6 when staging serves this commit before and after the run', async () => {
    const result = await gate(['--expect-commit']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.ran).toBe(true);
    expect(result.stdout).toContain('load-gate: before the run, staging serves abc123');
    expect(result.stdout).toContain('load-gate: after the run, staging serves abc123');
  });

  it('does not start k6 when staging serves another commit', async () => {
    versions.before = 'def456';
    const result = await gate(['--expect-commit']);
    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain(
      "before the run, staging serves version 'def456', not this build's commit abc123",
    );
  });

  it('fails when staging was redeployed while k6 ran', async () => {
    versions.afterK6 = 'def456';
    const result = await gate(['--expect-commit']);
    expect(result.status).toBe(1);
    expect(result.ran).toBe(true);
    expect(result.stderr).toContain("after the run, staging serves version 'def456'");
  });

  it('needs the commit it is asked to expect', async () => {
    const result = await gate(['--expect-commit'], { BUILDKITE_COMMIT: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--expect-commit needs BUILDKITE_COMMIT');
  });
});
