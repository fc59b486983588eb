import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  annotateSkippedAudit,
  classifyAudit,
  runAudit,
  SKIPPED_NOTICE,
  type AuditOutcome,
} from './audit.js';

// A stand-in for the npm advisory service on loopback: it answers pnpm's bulk advisory request
// with whatever the test decides and 404s everything else.
async function advisoryService(answer: (res: http.ServerResponse) => void) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
      if (req.method === 'POST' && req.url === '/-/npm/v1/security/advisories/bulk') answer(res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

function advisory(severity: string) {
  return (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        express: [
          {
            id: 1,
            url: 'https://advisories.invalid/TEST-1',
            title: 'Planted test advisory',
            severity,
            vulnerable_versions: '<99.0.0',
            cwe: [],
            cvss: { score: 7.5, vectorString: null },
          },
        ],
      }),
    );
  };
}

describe('pnpm audit against an advisory service', () => {
  it('fails on a high-severity advisory in a production dependency, naming it', async () => {
    const service = await advisoryService(advisory('high'));
    const outcome = await runAudit({ registry: service.url });
    expect(outcome.kind).toBe('failed');
    expect(outcome.message).toContain('express');
    expect(outcome.message).toContain('Planted test advisory');
    expect(service.requests).toContain('POST /-/npm/v1/security/advisories/bulk');
  });

  it('passes when the only advisory is below high', async () => {
    const service = await advisoryService(advisory('moderate'));
    expect((await runAudit({ registry: service.url })).kind).toBe('passed');
  });

  it('reports the skip notice when the service answers 405, as the npm endpoint does here', async () => {
    const service = await advisoryService((res) => res.writeHead(405).end());
    const outcome = await runAudit({ registry: service.url });
    expect(outcome).toEqual({
      kind: 'skipped',
      message: `${SKIPPED_NOTICE} (HTTP 405); vulnerabilities were not checked`,
    });
  });
});

describe('classifyAudit', () => {
  it('reports the skip notice when the endpoint cannot be reached at all', () => {
    // What pnpm 12 prints when nothing listens (pnpm retries for a minute first, so the text is
    // recorded here rather than provoked in every run).
    const stderr = [
      'Error: ERR_PNPM_AUDIT_BAD_RESPONSE',
      '  × Failed to request the audit endpoint (at http://127.0.0.1:1/-/npm/v1/',
      '  │ security/advisories/bulk): error sending request for url',
      '  ├─▶ tcp connect error',
      '  ╰─▶ Connection refused (os error 111)',
    ].join('\n');
    expect(classifyAudit({ status: 1, stdout: '', stderr })).toEqual({
      kind: 'skipped',
      message: `${SKIPPED_NOTICE}; vulnerabilities were not checked`,
    });
  });

  it('treats an unexplained failure as a finding, never as a skip', () => {
    expect(classifyAudit({ status: 1, stdout: '1 vulnerabilities found', stderr: '' }).kind).toBe(
      'failed',
    );
    expect(classifyAudit({ status: null, stdout: '', stderr: 'killed' }).kind).toBe('failed');
  });
});

describe('annotateSkippedAudit', () => {
  const skipped: AuditOutcome = { kind: 'skipped', message: SKIPPED_NOTICE };

  it('posts a warning annotation in a Buildkite job', () => {
    const calls: string[][] = [];
    const annotated = annotateSkippedAudit(skipped, { BUILDKITE: 'true' }, (args) => {
      calls.push(args);
      return { status: 0, stdout: '', stderr: '' };
    });
    expect(annotated).toBe(true);
    expect(calls).toEqual([
      [
        'annotate',
        '--style',
        'warning',
        '--context',
        'security-audit',
        `Security Scan: ${SKIPPED_NOTICE}`,
      ],
    ]);
  });

  it('stays quiet outside Buildkite and for audits that ran', () => {
    const annotate = () => {
      throw new Error('must not be called');
    };
    expect(annotateSkippedAudit(skipped, {}, annotate)).toBe(false);
    expect(
      annotateSkippedAudit({ kind: 'passed', message: '' }, { BUILDKITE: 'true' }, annotate),
    ).toBe(false);
  });

  it('fails loudly when the annotation cannot be posted', () => {
    expect(() =>
      annotateSkippedAudit(skipped, { BUILDKITE: 'true' }, () => ({
        status: 1,
        stdout: '',
        stderr: 'no agent',
      })),
    ).toThrow(/no agent/);
  });
});
