/* eslint-disable security/detect-non-literal-fs-filename -- paths come from git's listing of this repository */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACK_LATENCY_MS, ERROR_RATE_CEILING } from '@mastercom/contracts/slo';
import { afterEach, describe, expect, it } from 'vitest';
import { listRepositoryFiles, repoPath } from '../repository.js';
import { allMonitors, MANAGED_TAG, monitorsFor, monitorsJson } from './monitors.js';
import { planSync, syncMonitors } from './sync-monitors.js';

describe('monitoring/monitors.json', () => {
  it('is what the definitions and the SLO module generate', () => {
    // On failure: pnpm --filter @mastercom/pipeline generate:monitors
    expect(readFileSync(repoPath('monitoring', 'monitors.json'), 'utf8')).toBe(monitorsJson());
  });

  it('covers every environment with the full set, under unique names', () => {
    const names = allMonitors().map((monitor) => monitor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(monitorsFor('production')).toHaveLength(monitorsFor('staging').length);
    for (const monitor of allMonitors()) {
      expect(monitor.tags).toContain(MANAGED_TAG);
      expect(monitor.priority).toBeGreaterThanOrEqual(1);
      expect(monitor.priority).toBeLessThanOrEqual(5);
      expect(monitor.message).toMatch(/@(pagerduty|slack)-/);
    }
    expect(monitorsFor('production')[0]?.message).toContain('@pagerduty-');
    expect(monitorsFor('staging')[0]?.message).not.toContain('@pagerduty-');
  });

  it('takes the error-rate and latency thresholds from the SLO module', () => {
    const monitors = monitorsFor('production');
    const byName = (part: string) => monitors.find((monitor) => monitor.name.includes(part));
    expect(byName('error rate')?.options.thresholds.critical).toBe(ERROR_RATE_CEILING);
    expect(byName('error rate')?.query.endsWith(` > ${String(ERROR_RATE_CEILING)}`)).toBe(true);
    for (const percentile of ['p95', 'p99'] as const) {
      const monitor = byName(`${percentile} acknowledgement latency`);
      expect(monitor?.options.thresholds.critical).toBe(ACK_LATENCY_MS[percentile]);
      expect(monitor?.query).toContain(`ack_latency.${percentile.slice(1)}percentile`);
    }
  });

  it('watches the metrics the service publishes, under the DogStatsD prefix', () => {
    const sources = listRepositoryFiles()
      .filter(
        (file) =>
          file.startsWith('packages/service/src/') &&
          file.endsWith('.ts') &&
          !file.endsWith('.test.ts'),
      )
      .map((file) => readFileSync(repoPath(file), 'utf8'))
      .join('\n');
    const metrics = new Set(
      allMonitors().flatMap((monitor) =>
        [...monitor.query.matchAll(/:mastercom\.([a-z_.\d]+)\{/g)].map((match) =>
          // DogStatsD histograms are queried through their percentile series.
          (match[1] ?? '').replace(/\.\d+percentile$/, ''),
        ),
      ),
    );
    expect([...metrics].sort()).toEqual([
      'alerts.became_chargeback',
      'alerts.oldest_unprocessed_age_seconds',
      'alerts.open_by_deadline',
      'api_key.days_to_expiry',
      'outcomes.dead_letter',
      'webhook.ack_latency',
    ]);
    for (const metric of metrics) expect(sources).toContain(`'${metric}'`);
    // The deadline buckets the monitors read are the ones the deadline watch tags.
    for (const bucket of ['warning', 'critical', 'overdue']) {
      expect(sources).toContain(`'bucket:${bucket}'`);
    }
  });
});

describe('the runbook each monitor names', () => {
  it('exists, with the section the message points to', () => {
    const named = allMonitors().map((monitor) => /Runbook: (\S+), "([^"]+)"/.exec(monitor.message));
    expect(named.filter((match) => match === null)).toEqual([]);
    for (const [, file = '', section = ''] of named.filter((match) => match !== null)) {
      expect(readFileSync(repoPath(...file.split('/')), 'utf8')).toContain(`\n## ${section}\n`);
    }
  });
});

describe('syncMonitors', () => {
  const requests: { method: string; url: string; body: unknown; apiKey: unknown }[] = [];
  let close: () => Promise<void> = () => Promise.resolve();
  afterEach(async () => {
    requests.length = 0;
    await close();
  });

  /** A fake Datadog monitors API holding `existing`. */
  async function fakeDatadog(existing: unknown[]): Promise<string> {
    const server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
          apiKey: req.headers['dd-api-key'],
        });
        const body = req.method === 'GET' ? existing : { id: 999 };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  }

  const [first, second, third] = monitorsFor('staging');
  if (first === undefined || second === undefined || third === undefined) {
    throw new Error('staging has fewer than three monitors');
  }
  // Datadog answers with the monitor plus fields and option defaults of its own.
  const existing = [
    { ...first, id: 11, creator: { handle: 'ops' }, options: { ...first.options, silenced: {} } },
    { ...second, id: 12, query: second.query.replace('> ', '>= ') },
    { id: 13, name: '[staging] mastercom-service: a monitor no longer defined', tags: [] },
  ];

  it('plans creations, updates and deletions, ignoring fields Datadog adds', () => {
    const plan = planSync([first, second, third], existing);
    expect(plan.unchanged.map((entry) => entry.id)).toEqual([11]);
    expect(plan.update.map((entry) => entry.id)).toEqual([12]);
    expect(plan.create).toEqual([third]);
    expect(plan.remove).toEqual([{ id: 13, name: existing[2]?.name }]);
  });

  it('only reads in a dry run and prints what it would do', async () => {
    const apiUrl = await fakeDatadog(existing);
    const lines: string[] = [];
    await syncMonitors({
      monitors: [first, second, third],
      apiUrl,
      apiKey: 'api',
      appKey: 'app',
      apply: false,
      log: (line) => lines.push(line),
    });
    expect(requests.map((r) => r.method)).toEqual(['GET']);
    expect(requests[0]?.url).toBe(
      `/api/v1/monitor?monitor_tags=${encodeURIComponent(MANAGED_TAG)}`,
    );
    expect(requests[0]?.apiKey).toBe('api');
    expect(lines).toContain(`would create: ${third.name}`);
    expect(lines).toContain(`would update #12: ${second.name}`);
    expect(lines).toContain(`would delete #13: ${String(existing[2]?.name)} (no longer defined)`);
    expect(lines.at(-1)).toContain('(dry run; --apply writes)');
  });

  it('creates, updates and deletes with --apply', async () => {
    const apiUrl = await fakeDatadog(existing);
    await syncMonitors({
      monitors: [first, second, third],
      apiUrl: `${apiUrl}/`,
      apiKey: 'api',
      appKey: 'app',
      apply: true,
      log: () => undefined,
    });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /api/v1/monitor?monitor_tags=${encodeURIComponent(MANAGED_TAG)}`,
      'POST /api/v1/monitor',
      'PUT /api/v1/monitor/12',
      'DELETE /api/v1/monitor/13',
    ]);
    expect(requests[1]?.body).toEqual(third);
    expect(requests[2]?.body).toEqual(second);
  });

  it('prints the monitors without keys in a dry run, and refuses to apply without them', async () => {
    const lines: string[] = [];
    const options = {
      monitors: [first],
      apiUrl: 'http://127.0.0.1:9',
      apiKey: undefined,
      appKey: undefined,
      log: (line: string) => lines.push(line),
    };
    await syncMonitors({ ...options, apply: false });
    expect(lines).toContain(`would create or update: ${first.name}`);
    await expect(syncMonitors({ ...options, apply: true })).rejects.toThrow(
      'DD_API_KEY and DD_APP_KEY are needed',
    );
  });
});
