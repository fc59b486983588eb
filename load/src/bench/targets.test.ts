import { ACK_LATENCY_MS, ALERT_TO_OUTCOME_LATENCY_MS } from '@mastercom/contracts/slo';
import { describe, expect, it } from 'vitest';
import type { CpuShare } from './bench-report.js';
import { BENCH_TARGETS, cpuDiagnosis } from './targets.js';

const idle: CpuShare = {
  service: 0.3,
  serviceBusiestProcess: 0.3,
  postgres: 0.2,
  loadGenerator: 0.1,
  cpuStall: 0.05,
  ioStall: 0.02,
};

describe('bench targets', () => {
  it('take their latency limits from the SLO module', () => {
    expect(BENCH_TARGETS.ackP99Ms).toBe(ACK_LATENCY_MS.p99);
    expect(BENCH_TARGETS.ackP999Ms).toBe(ACK_LATENCY_MS.p999);
    expect(BENCH_TARGETS.alertToOutcomeP99Ms).toBe(ALERT_TO_OUTCOME_LATENCY_MS.p99);
  });
});

describe('cpuDiagnosis', () => {
  it('blames the event loop when the service uses a whole core', () => {
    expect(
      cpuDiagnosis({ ...idle, service: 0.97, serviceBusiestProcess: 0.97 }, 2, [1, 1, 1]),
    ).toMatch(/^the service's event loop/);
  });

  it('does not blame an event loop when the service is two processes neither of which is busy', () => {
    expect(
      cpuDiagnosis({ ...idle, service: 0.9, serviceBusiestProcess: 0.5 }, 2, [1, 1, 1]),
    ).not.toMatch(/event loop/);
  });

  it('points at bursts or outside work when tasks waited while the bench left cores idle', () => {
    expect(cpuDiagnosis({ ...idle, cpuStall: 0.4 }, 2, [5.5, 3, 3])).toMatch(
      /^an oversubscribed CPU: some runnable task waited for a core 40 % .*left 1.40 cores idle on average, so the waits came in bursts or from work outside the bench \(load average 5.50 3.00 3.00\)/,
    );
  });

  it('blames the bench itself when its own processes kept the cores busy while tasks waited', () => {
    const diagnosis = cpuDiagnosis(
      { ...idle, service: 0.7, postgres: 0.7, loadGenerator: 0.2, cpuStall: 0.6 },
      2,
      [3, 1, 0.5],
    );
    expect(diagnosis).toMatch(
      /waited for a core 60 % .*the bench's own processes kept the cores busy/,
    );
    expect(diagnosis).not.toMatch(/outside the bench/);
  });

  it('blames the machine when the processes together fill its cores', () => {
    expect(
      cpuDiagnosis({ ...idle, service: 0.8, postgres: 0.7, loadGenerator: 0.3 }, 2, [2, 2, 2]),
    ).toMatch(/^the machine's CPU: .* 1.80 of 2 cores/);
  });

  it('blames PostgreSQL, then the disk, then the round trips', () => {
    expect(cpuDiagnosis({ ...idle, postgres: 0.9 }, 4, [1, 1, 1])).toMatch(/^PostgreSQL's CPU/);
    expect(cpuDiagnosis({ ...idle, ioStall: 0.5 }, 2, [1, 1, 1])).toMatch(/^the disk: .* 50 % /);
    expect(cpuDiagnosis(idle, 2, [1, 1, 1])).toMatch(/^round trips, not a saturated resource/);
  });
});
