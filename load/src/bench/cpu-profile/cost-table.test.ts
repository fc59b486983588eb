import { describe, expect, it } from 'vitest';
import { costTableMarkdown, phaseCost, stageCost } from './cost-table.js';
import { STAGES, type StageSplit } from './stage-split.js';

describe('cost table', () => {
  const cost = phaseCost({
    phase: 'throughput, 20 connections',
    alertsPerDelivery: 25,
    connections: 20,
    durationSeconds: 10,
    persistedAlerts: 20_000,
    serviceCores: 0.9,
    postgresCores: 0.4,
  });

  it('divides the phase CPU by the persisted alerts and by the deliveries', () => {
    expect(cost.persistedPerSecond).toBe(2000);
    expect(cost.serviceMsPerAlert).toBeCloseTo(0.45, 10);
    expect(cost.postgresMsPerAlert).toBeCloseTo(0.2, 10);
    expect(cost.serviceMsPerDelivery).toBeCloseTo(0.45 * 25, 10);
    expect(cost.postgresMsPerDelivery).toBeCloseTo(0.2 * 25, 10);
  });

  it('shares the CPU per alert out as the profile shares its samples', () => {
    const micros = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as StageSplit['micros'];
    micros.http = 300;
    micros.masking = 100;
    micros.gc = 100;
    const stages = stageCost(cost, { micros, totalMicros: 500, samples: 5 });
    const byStage = Object.fromEntries(stages.rows.map((row) => [row.stage, row.msPerAlert]));
    expect(byStage.http).toBeCloseTo(0.27, 10);
    expect(byStage.masking).toBeCloseTo(0.09, 10);
    expect(byStage.json).toBe(0);
    expect(stages.rows.reduce((sum, row) => sum + row.msPerAlert, 0)).toBeCloseTo(0.45, 10);
    const markdown = costTableMarkdown({ phases: [cost], stages: [stages] }).join('\n');
    expect(markdown).toContain(
      '| throughput, 20 connections | 25 | 20 | 2,000 | 0.450 | 0.200 | 11.250 | 5.000 |',
    );
    expect(markdown).toContain('| HTTP parsing and Express | 0.270 | 60.0 % |');
  });

  it("splits the main thread's CPU by samples and shows the other threads' CPU as measured", () => {
    const threaded = phaseCost({
      phase: 'throughput, 20 connections',
      alertsPerDelivery: 1,
      connections: 20,
      durationSeconds: 10,
      persistedAlerts: 20_000,
      serviceCores: 0.9,
      postgresCores: 0.4,
      serviceThreadCores: { main: 0.6, v8Helpers: 0.2, threadpool: 0.06, other: 0.04 },
    });
    expect(threaded.serviceThreadsMsPerAlert?.v8Helpers).toBeCloseTo(0.1, 10);
    const micros = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as StageSplit['micros'];
    micros.http = 200;
    micros.gc = 100;
    micros.other = 100;
    const byStage = Object.fromEntries(
      stageCost(threaded, { micros, totalMicros: 400, samples: 4 }).rows.map((row) => [
        row.stage,
        row.msPerAlert,
      ]),
    );
    // The main thread's 0.3 ms per alert goes half to HTTP, a quarter each to GC and other.
    expect(byStage.http).toBeCloseTo(0.15, 10);
    expect(byStage.gc).toBeCloseTo(0.075, 10);
    expect(byStage.v8Helpers).toBeCloseTo(0.1, 10);
    expect(byStage.threadpool).toBeCloseTo(0.03, 10);
    expect(byStage.other).toBeCloseTo(0.075 + 0.02, 10);
    const total = Object.values(byStage).reduce((sum, value) => sum + value, 0);
    expect(total).toBeCloseTo(threaded.serviceMsPerAlert, 10);
  });

  it('says how to get the split when no profile was taken', () => {
    expect(costTableMarkdown({ phases: [cost], stages: [] }).join('\n')).toContain('--cpu-prof');
  });
});
