import { describe, expect, it } from 'vitest';
import { costTableMarkdown, phaseCost, stageCost } from './cost-table.js';
import { STAGES, type Stage, type StageSplit } from './stage-split.js';

/** A profile's split with the given microseconds per stage and none elsewhere. */
function splitOf(stages: Partial<Record<Stage, number>>, samples: number): StageSplit {
  const micros = Object.fromEntries(
    STAGES.map((stage) => [stage, stages[stage] ?? 0]),
  ) as StageSplit['micros'];
  const totalMicros = STAGES.reduce((sum, stage) => sum + micros[stage], 0);
  return { micros, totalMicros, samples };
}

describe('cost table', () => {
  const figures = {
    phase: 'throughput, 20 connections',
    alertsPerDelivery: 25,
    connections: 20,
    durationSeconds: 10,
    persistedAlerts: 20_000,
    serviceCores: 0.9,
    postgresCores: 0.4,
  };
  const cost = phaseCost(figures);

  it('divides the phase CPU by the persisted alerts and by the deliveries', () => {
    expect(cost.persistedPerSecond).toBe(2000);
    expect(cost.serviceMsPerAlert).toBeCloseTo(0.45, 10);
    expect(cost.postgresMsPerAlert).toBeCloseTo(0.2, 10);
    expect(cost.serviceMsPerDelivery).toBeCloseTo(0.45 * 25, 10);
    expect(cost.postgresMsPerDelivery).toBeCloseTo(0.2 * 25, 10);
  });

  it('shares the CPU per alert out as the profile shares its samples', () => {
    const stages = stageCost(cost, splitOf({ http: 300, masking: 100, gc: 100 }, 5));
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
      ...figures,
      alertsPerDelivery: 1,
      serviceThreadCores: { main: 0.6, v8Helpers: 0.2, threadpool: 0.06, other: 0.04 },
    });
    expect(threaded.serviceThreadsMsPerAlert?.v8Helpers).toBeCloseTo(0.1, 10);
    const byStage = Object.fromEntries(
      stageCost(threaded, splitOf({ http: 200, gc: 100, other: 100 }, 4)).rows.map((row) => [
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
