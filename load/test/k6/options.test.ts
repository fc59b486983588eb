// The scenario options as k6 would read them: executor names and their required fields, and
// thresholds equal to the values derived from the SLO module.
import * as slo from '@mastercom/contracts/slo';
import { describe, expect, it, vi } from 'vitest';
import {
  LOAD_ITERATION_RATE,
  PROFILE_NAMES,
  durationSeconds,
  scenariosFor,
  type ProfileName,
} from '../../src/k6/profiles.js';
import { CLIENT_PATH_ALLOWANCE_MS, sloThresholds } from '../../src/k6/thresholds.js';
import { ALERTS_PER_ITERATION, REDELIVERY_SHARE } from '../../src/k6/traffic-mix.js';
import { k6Env } from './k6-runtime.js';
import { K6_EXECUTORS, missingRequiredFields } from './k6-executors.js';

vi.mock('k6', async () => (await import('./k6-runtime.js')).k6Module);
vi.mock('k6/http', async () => (await import('./k6-runtime.js')).httpModule);
vi.mock('k6/metrics', async () => (await import('./k6-runtime.js')).metricsModule);
vi.mock('k6/crypto', async () => (await import('./k6-runtime.js')).cryptoModule);
vi.mock('k6/encoding', async () => (await import('./k6-runtime.js')).encodingModule);
vi.mock('k6/execution', async () => (await import('./k6-runtime.js')).executionModule);

async function optionsFor(profile: ProfileName, extra: Record<string, string> = {}) {
  vi.stubGlobal('__ENV', k6Env({ LOAD_SCENARIO: profile, ...extra }));
  vi.resetModules();
  const script = await import('../../src/k6/mastercom.js');
  return { script, options: script.options };
}

// Client-side: the SLO plus the stated allowance for the network and the ingress hop.
const latency = [
  `p(95)<=${slo.ACK_LATENCY_MS.p95 + CLIENT_PATH_ALLOWANCE_MS}`,
  `p(99)<=${slo.ACK_LATENCY_MS.p99 + CLIENT_PATH_ALLOWANCE_MS}`,
  `p(99.9)<=${slo.ACK_LATENCY_MS.p999 + CLIENT_PATH_ALLOWANCE_MS}`,
];
const errors = `rate<=${slo.ERROR_RATE_CEILING}`;
const checks = `rate>=${1 - slo.ERROR_RATE_CEILING}`;

describe.each(PROFILE_NAMES)('the %s profile', (profile) => {
  it('uses real k6 executors with their required fields, and exports every exec function', async () => {
    const { script, options } = await optionsFor(profile);
    const scenarios = Object.entries(options.scenarios ?? {});
    expect(scenarios.length).toBeGreaterThan(0);
    expect(
      scenarios.map(([name, scenario]) => ({
        name,
        known: Object.keys(K6_EXECUTORS).includes(scenario.executor),
        missing: missingRequiredFields(scenario),
        exec: typeof (script as Record<string, unknown>)[scenario.exec ?? 'default'],
      })),
    ).toEqual(scenarios.map(([name]) => ({ name, known: true, missing: [], exec: 'function' })));

    const fields = scenarios.map(([, scenario]) => scenario as unknown as Record<string, unknown>);
    const durations = fields.flatMap((entry) =>
      typeof entry.duration === 'string' ? [durationSeconds(entry.duration)] : [],
    );
    const stages = fields.flatMap(
      (entry) => (entry.stages ?? []) as { duration: string; target: number }[],
    );
    expect(durations.length + stages.length).toBeGreaterThan(0);
    expect(durations.every((seconds) => seconds > 0)).toBe(true);
    expect(stages.every((stage) => durationSeconds(stage.duration) > 0 && stage.target > 0)).toBe(
      true,
    );
    const pools = fields.filter((entry) => typeof entry.maxVUs === 'number');
    expect(
      pools.every((entry) => (entry.maxVUs as number) >= (entry.preAllocatedVUs as number)),
    ).toBe(true);
  });

  it('gates on the error ceiling and the checks, aborting when errors break the ceiling', async () => {
    const { options } = await optionsFor(profile);
    expect(options.thresholds?.http_req_failed).toEqual([
      { threshold: errors, abortOnFail: true, delayAbortEval: profile === 'smoke' ? '10s' : '1m' },
    ]);
    expect(options.thresholds?.checks).toEqual([checks]);
    expect(options.summaryTrendStats).toContain('p(99.9)');
  });
});

describe('SLO-derived thresholds', () => {
  it.each(['smoke', 'load', 'soak'] as const)(
    '%s holds the webhook to the ack latency SLO',
    async (profile) => {
      const { options } = await optionsFor(profile);
      expect(options.thresholds?.['http_req_duration{endpoint:webhook}']).toEqual(latency);
    },
  );

  it('load and soak gate the throughput floor in alerts per second', async () => {
    for (const profile of ['load', 'soak'] as const) {
      const { options } = await optionsFor(profile);
      expect(options.thresholds?.alerts_acknowledged).toEqual([
        `rate>=${slo.THROUGHPUT_FLOOR_ALERTS_PER_SECOND}`,
      ]);
    }
    // The steady arrival rate delivers at least the floor in alerts per second.
    expect(LOAD_ITERATION_RATE * ALERTS_PER_ITERATION).toBeGreaterThanOrEqual(
      slo.THROUGHPUT_FLOOR_ALERTS_PER_SECOND,
    );
  });

  it('stress aborts at the first broken latency target: the breaking point', async () => {
    const { options } = await optionsFor('stress');
    expect(options.thresholds?.['http_req_duration{endpoint:webhook}']).toEqual(
      latency.map((threshold) => ({ threshold, abortOnFail: true, delayAbortEval: '30s' })),
    );
  });

  it('spike holds every acknowledgement under Ethoca’s budget', async () => {
    const { options } = await optionsFor('spike');
    expect(options.thresholds?.['http_req_duration{endpoint:webhook}']).toEqual([
      `max<${slo.ACK_BUDGET_MS}`,
    ]);
  });

  it('follows the SLO module: a different SLO gives a different gate', async () => {
    vi.doMock('@mastercom/contracts/slo', () => ({
      ...slo,
      ACK_LATENCY_MS: { p95: 7, p99: 19, p999: 61 },
      ERROR_RATE_CEILING: 0.01,
      THROUGHPUT_FLOOR_ALERTS_PER_SECOND: 500,
    }));
    vi.resetModules();
    const { sloThresholds: changed } = await import('../../src/k6/thresholds.js');
    const { LOAD_ITERATION_RATE: changedRate } = await import('../../src/k6/profiles.js');
    vi.doUnmock('@mastercom/contracts/slo');
    const thresholds = changed('load');
    expect(thresholds['http_req_duration{endpoint:webhook}']).toEqual([
      `p(95)<=${7 + CLIENT_PATH_ALLOWANCE_MS}`,
      `p(99)<=${19 + CLIENT_PATH_ALLOWANCE_MS}`,
      `p(99.9)<=${61 + CLIENT_PATH_ALLOWANCE_MS}`,
    ]);
    expect(thresholds.http_req_failed).toEqual([
      { threshold: 'rate<=0.01', abortOnFail: true, delayAbortEval: '1m' },
    ]);
    expect(thresholds.checks).toEqual(['rate>=0.99']);
    expect(thresholds.alerts_acknowledged).toEqual(['rate>=500']);
    expect(changedRate * ALERTS_PER_ITERATION).toBeGreaterThanOrEqual(500);
    expect(sloThresholds('load')).not.toEqual(thresholds);
  });
});

describe('scenario settings', () => {
  it('LOAD_DURATION sets how long load and soak hold the rate', async () => {
    const { options } = await optionsFor('soak', { LOAD_DURATION: '45m' });
    expect(options.scenarios?.webhook).toMatchObject({ duration: '45m' });
    expect(() => scenariosFor('load', { duration: 'an hour' })).toThrow(/duration must look like/);
  });

  it('the traffic mix redelivers a share of alerts so the dedupe path is loaded', () => {
    expect(REDELIVERY_SHARE).toBeGreaterThan(0.05);
    expect(REDELIVERY_SHARE).toBeLessThan(0.5);
  });
});

describe('the executor table', () => {
  it('reports the required options a scenario leaves out, and unknown executors', () => {
    expect(
      missingRequiredFields({
        executor: 'constant-arrival-rate',
        rate: 10,
        duration: '1m',
      } as never),
    ).toEqual(['timeUnit', 'preAllocatedVUs']);
    expect(missingRequiredFields({ executor: 'constant-vus', vus: 1 } as never)).toEqual([
      'duration',
    ]);
    expect(missingRequiredFields({ executor: 'constant-rate' } as never)).toEqual([
      'known executor (got constant-rate)',
    ]);
  });
});
