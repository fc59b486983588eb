import { readFile } from 'node:fs/promises';
import type { BenchReport } from '../bench-report.js';
import { phaseCost, stageCost, type CostTable } from './cost-table.js';
import { splitByStage, type CpuProfile, type ProfileWindow } from './stage-split.js';

export interface MeasuredPhase {
  label: string;
  alertsPerDelivery: number;
  run: BenchReport['throughput'];
  window: ProfileWindow;
}

/**
 * The report's cost table: each webhook phase's CPU per persisted alert and per delivery, and,
 * when the service process was profiled, each phase's window of that profile split by stage.
 */
export async function costTableOf(
  phases: readonly MeasuredPhase[],
  profilePath: string | undefined,
): Promise<CostTable> {
  const costs = phases.map((phase) =>
    phaseCost({
      phase: phase.label,
      alertsPerDelivery: phase.alertsPerDelivery,
      connections: phase.run.connections,
      durationSeconds: phase.run.durationSeconds,
      persistedAlerts: phase.run.persistence.rows,
      serviceCores: phase.run.cpu.service,
      postgresCores: phase.run.cpu.postgres,
      serviceThreadCores: phase.run.cpu.serviceThreads,
    }),
  );
  if (profilePath === undefined) return { phases: costs, stages: [] };
  // Node writes the profile when the service process exits, which the web phases waited for.
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the bench's report directory
  const profile = JSON.parse(await readFile(profilePath, 'utf8')) as CpuProfile;
  return {
    phases: costs,
    stages: costs.map((cost, index) =>
      stageCost(cost, splitByStage(profile, phases[index]?.window)),
    ),
  };
}
