/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside a temporary folder the test made */
// scripts/load-gate.sh against a fake staging /health and a fake Datadog metrics API on
// 127.0.0.1, with recording stand-ins for pnpm, docker and buildkite-agent. There is neither k6
// nor a Docker engine here: the docker stand-in plays no k6, it only writes the summary file k6's
// handleSummary would (load/src/k6/summary.ts, unit-tested there) and exits with K6_EXIT, so this
// tests what the script does with k6's outcome, not k6.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
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
/** What the fake Datadog answers for this version; null for a metric without points. */
let datadog: { hits: number | null; errors: number | null; p95: number | null; p99: number | null };
let datadogQueries: string[] = [];

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'load-gate-'));
  mkdirSync(path.join(root, 'scripts', 'lib'), { recursive: true });
  copyFileSync(repoPath('scripts', 'load-gate.sh'), path.join(root, 'scripts', 'load-gate.sh'));
  copyFileSync(
    repoPath('scripts', 'lib', 'release.sh'),
    path.join(root, 'scripts', 'lib', 'release.sh'),
  );
  mkdirSync(path.join(root, 'contracts', 'dist'), { recursive: true });
  copyFileSync(
    repoPath('contracts', 'dist', 'slo.js'),
    path.join(root, 'contracts', 'dist', 'slo.js'),
  );
  mkdirSync(path.join(root, 'load', 'dist', 'k6'), { recursive: true });
  writeFileSync(path.join(root, 'load', 'dist', 'k6', 'mastercom.js'), '// bundle\n');
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(path.join(root, 'bin', 'pnpm'), '#!/usr/bin/env bash\nexit 0\n');
  writeFileSync(
    path.join(root, 'bin', 'docker'),
    `#!/usr/bin/env bash
echo "$*" >> "${root}/docker.log"
printf '### k6 load: passed\\n' > "${root}/reports/load/k6-load-summary.md"
exit "\${K6_EXIT:-0}"
`,
  );
  writeFileSync(
    path.join(root, 'bin', 'buildkite-agent'),
    `#!/usr/bin/env bash
if [ "$1" = annotate ]; then { echo "$*"; cat; } >> "${root}/annotations.log"; else echo "$*" >> "${root}/agent.log"; fi
`,
  );
  for (const tool of ['pnpm', 'docker', 'buildkite-agent'])
    chmodSync(path.join(root, 'bin', tool), 0o755);
  versions = { before: 'abc123', afterK6: 'abc123' };
  datadog = { hits: 12000, errors: 0, p95: 6, p99: 14 };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/api/v1/query') {
      const query = url.searchParams.get('query') ?? '';
      datadogQueries.push(query);
      const value = query.includes('.errors')
        ? datadog.errors
        : query.includes('.hits')
          ? datadog.hits
          : query.includes('95percentile')
            ? datadog.p95
            : datadog.p99;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'ok',
          series: value === null ? [] : [{ pointlist: [[Date.now(), value]] }],
        }),
      );
      return;
    }
    const ran = existsSync(path.join(root, 'docker.log'));
    const body = { status: 'ok', version: ran ? versions.afterK6 : versions.before };
    res
      .writeHead(url.pathname === '/health' ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  datadogQueries = [];
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
      BUILDKITE: 'true',
      DD_API_KEY: 'dd-api',
      DD_APP_KEY: 'dd-app',
      DATADOG_API_URL: url,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const text = (name: string) =>
    existsSync(path.join(root, name)) ? readFileSync(path.join(root, name), 'utf8') : '';
  return new Promise<{
    status: number | null;
    stdout: string;
    stderr: string;
    ran: boolean;
    docker: string;
    agent: string;
    annotations: string;
  }>((resolve) =>
    child.on('close', (status) =>
      resolve({
        status,
        stdout,
        stderr,
        ran: existsSync(path.join(root, 'docker.log')),
        docker: text('docker.log'),
        agent: text('agent.log'),
        annotations: text('annotations.log'),
      }),
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

  it('uploads the reports and annotates the client-side table with the server-side SLO', async () => {
    const result = await gate(['--expect-commit']);
    expect(result.status).toBe(0);
    expect(result.docker).toMatch(/^run --rm --user \d+:\d+ /);
    expect(result.agent).toBe('artifact upload reports/load/**/*\n');
    expect(result.annotations).toContain('annotate --context k6-load --style success');
    expect(result.annotations).toContain('### k6 load: passed');
    expect(result.annotations).toContain('verify: error rate 0.00000 (0/12000)');
    expect(result.annotations).toContain('verify: p99 acknowledgement latency 14 ms (SLO 25 ms)');
    expect(datadogQueries).toContain(
      'sum:trace.express.request.hits{service:mastercom-service,env:staging,version:abc123}.as_count()',
    );
  });

  it('fails, still uploading and annotating, when a k6 threshold fails', async () => {
    const result = await gate(['--expect-commit'], { K6_EXIT: '99' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('k6 exited 99');
    expect(result.agent).toContain('artifact upload');
    expect(result.annotations).toContain('--style error');
  });

  it('fails when the server-side SLO is broken although k6 passed', async () => {
    datadog = { hits: 12000, errors: 0, p95: 6, p99: 40 };
    const result = await gate(['--expect-commit']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the server-side SLO was not met, or could not be verified');
    expect(result.annotations).toContain('p99 acknowledgement latency 40 ms above the SLO 25 ms');
  });

  it('fails when Datadog has no data for the run: not verified is not passed', async () => {
    datadog = { hits: null, errors: null, p95: null, p99: null };
    const result = await gate(['--expect-commit']);
    expect(result.status).toBe(1);
    expect(result.annotations).toContain('cannot verify version abc123 in staging');
  });

  it('refuses to gate without the Datadog keys that judge the server-side SLO', async () => {
    const result = await gate(['--expect-commit'], { DD_APP_KEY: '' });
    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain('DD_API_KEY and DD_APP_KEY must be set');
  });
});
