import { z } from 'zod';
import { STAGE_LABELS, STAGES, type StageSplit } from './stage-split.js';

/** What one webhook phase cost in CPU, per persisted alert and per delivery. */
export const phaseCostSchema = z.object({
  phase: z.string(),
  alertsPerDelivery: z.number().int().positive(),
  connections: z.number().int().positive(),
  persistedAlerts: z.number().int().nonnegative(),
  persistedPerSecond: z.number().nonnegative(),
  serviceMsPerAlert: z.number().nonnegative(),
  postgresMsPerAlert: z.number().nonnegative(),
  serviceMsPerDelivery: z.number().nonnegative(),
  postgresMsPerDelivery: z.number().nonnegative(),
});
export type PhaseCost = z.infer<typeof phaseCostSchema>;

export const stageCostSchema = z.object({
  /** The phase whose profile window was split. */
  phase: z.string(),
  attribution: z.string(),
  sampledMs: z.number().nonnegative(),
  rows: z.array(
    z.object({
      stage: z.enum(STAGES),
      label: z.string(),
      share: z.number().min(0).max(1),
      msPerAlert: z.number().nonnegative(),
    }),
  ),
});
export type StageCost = z.infer<typeof stageCostSchema>;

export const costTableSchema = z.object({
  phases: z.array(phaseCostSchema),
  /** One per profiled phase; empty when the run took no CPU profile (`--cpu-prof`). */
  stages: z.array(stageCostSchema),
});
export type CostTable = z.infer<typeof costTableSchema>;

export interface PhaseFigures {
  phase: string;
  alertsPerDelivery: number;
  connections: number;
  durationSeconds: number;
  persistedAlerts: number;
  /** Cores used on average over the phase (1.0 = one core busy), as the CPU meters read them. */
  serviceCores: number;
  postgresCores: number;
}

export function phaseCost(figures: PhaseFigures): PhaseCost {
  const alerts = Math.max(figures.persistedAlerts, 1);
  const deliveries = Math.max(figures.persistedAlerts / figures.alertsPerDelivery, 1);
  const serviceMs = figures.serviceCores * figures.durationSeconds * 1000;
  const postgresMs = figures.postgresCores * figures.durationSeconds * 1000;
  return {
    phase: figures.phase,
    alertsPerDelivery: figures.alertsPerDelivery,
    connections: figures.connections,
    persistedAlerts: figures.persistedAlerts,
    persistedPerSecond: figures.persistedAlerts / figures.durationSeconds,
    serviceMsPerAlert: serviceMs / alerts,
    postgresMsPerAlert: postgresMs / alerts,
    serviceMsPerDelivery: serviceMs / deliveries,
    postgresMsPerDelivery: postgresMs / deliveries,
  };
}

export const STAGE_ATTRIBUTION =
  "The service's CPU per alert (from /proc, over the phase) is split in proportion to the V8 CPU " +
  "profile's samples inside the phase's window. Each sample counts for the innermost frame on its " +
  "stack that belongs to a stage: the service's own folders by path, libraries by package, Node's " +
  'sockets as HTTP only when nothing further out names a stage; idle samples are left out. V8 ' +
  'samples wall-clock time: a sample taken while the main thread waits for a core (a socket write ' +
  'wakes the receiving process, which may take the core) counts for the write, so socket writes ' +
  "(mostly the statement's) are overstated and the other stages understated.";

/** The stage rows of one phase: its CPU per alert, shared out as the profile's samples are. */
export function stageCost(cost: PhaseCost, split: StageSplit): StageCost {
  return {
    phase: cost.phase,
    attribution: STAGE_ATTRIBUTION,
    sampledMs: split.totalMicros / 1000,
    rows: STAGES.map((stage) => {
      const share = split.totalMicros === 0 ? 0 : split.micros[stage] / split.totalMicros;
      return {
        stage,
        label: STAGE_LABELS[stage],
        share,
        msPerAlert: share * cost.serviceMsPerAlert,
      };
    }),
  };
}

const ms = (value: number) => value.toFixed(3);

/** The report's Markdown section for the cost table. */
export function costTableMarkdown(table: CostTable): string[] {
  const lines = [
    '## CPU per persisted alert',
    '',
    '| phase | alerts per delivery | connections | persisted alerts/s | service ms/alert | PostgreSQL ms/alert | service ms/delivery | PostgreSQL ms/delivery |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...table.phases.map(
      (row) =>
        `| ${row.phase} | ${String(row.alertsPerDelivery)} | ${String(row.connections)} | ${Math.round(row.persistedPerSecond).toLocaleString('en-US')} | ${ms(row.serviceMsPerAlert)} | ${ms(row.postgresMsPerAlert)} | ${ms(row.serviceMsPerDelivery)} | ${ms(row.postgresMsPerDelivery)} |`,
    ),
    '',
  ];
  if (table.stages.length === 0) {
    lines.push('No CPU profile was taken; `pnpm bench -- --cpu-prof` adds the split by stage.', '');
    return lines;
  }
  for (const stages of table.stages) {
    lines.push(
      `### Service CPU by stage (${stages.phase}, ${Math.round(stages.sampledMs).toLocaleString('en-US')} ms sampled)`,
      '',
      '| stage | ms per alert | share |',
      '|---|---:|---:|',
      ...stages.rows.map(
        (row) => `| ${row.label} | ${ms(row.msPerAlert)} | ${(row.share * 100).toFixed(1)} % |`,
      ),
      '',
    );
  }
  lines.push(STAGE_ATTRIBUTION, '');
  return lines;
}
