import { z } from 'zod';
import { THREAD_GROUPS, type ThreadCpu } from '../process-stats.js';
import { STAGE_LABELS, STAGES, type Stage, type StageSplit } from './stage-split.js';

/** A figure for each group of the service's threads (process-stats.ts, THREAD_GROUPS). */
export const threadGroupsSchema = z.record(z.enum(THREAD_GROUPS), z.number().nonnegative());

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
  /** The service's CPU per alert by thread group, when the phase ran one service process. */
  serviceThreadsMsPerAlert: threadGroupsSchema.optional(),
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
  /** The service's cores by thread group (process-stats.ts), when measured. */
  serviceThreadCores?: ThreadCpu | undefined;
}

export function phaseCost(figures: PhaseFigures): PhaseCost {
  const alerts = Math.max(figures.persistedAlerts, 1);
  const deliveries = Math.max(figures.persistedAlerts / figures.alertsPerDelivery, 1);
  const serviceMs = figures.serviceCores * figures.durationSeconds * 1000;
  const postgresMs = figures.postgresCores * figures.durationSeconds * 1000;
  const threads = figures.serviceThreadCores;
  // The process's CPU shared out as the kernel's per-thread counts share it: those are read a
  // moment apart from the process's own figure and rounded to a tick per thread.
  const threadTotal =
    threads === undefined ? 0 : THREAD_GROUPS.reduce((sum, group) => sum + threads[group], 0);
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
    ...(threads === undefined || threadTotal === 0
      ? {}
      : {
          serviceThreadsMsPerAlert: Object.fromEntries(
            THREAD_GROUPS.map((group) => [
              group,
              ((threads[group] / threadTotal) * serviceMs) / alerts,
            ]),
          ) as ThreadCpu,
        }),
  };
}

export const STAGE_ATTRIBUTION =
  "The service's CPU per alert is read from /proc over the phase, per thread " +
  "(/proc/<pid>/task): V8's helper threads (parallel scavenges, concurrent marking and sweeping, " +
  "optimizing compilation) and libuv's threadpool (the log's file writes) are rows of their own. " +
  "The main thread's CPU is split in proportion to the V8 CPU profile's samples inside the " +
  "phase's window, which covers that thread only. Each sample counts for the innermost frame on " +
  "its stack that belongs to a stage: the service's own folders by path, libraries by package, " +
  "Node's sockets as HTTP only when nothing further out names a stage; idle samples are left " +
  'out. V8 samples wall-clock time: a sample taken while the main thread waits for a core (a ' +
  'socket write wakes the receiving process, which may take the core) counts for the write, so ' +
  "socket writes (mostly the statement's) are overstated and the other stages understated. " +
  "Without per-thread figures, the process's whole CPU is split by the samples.";

/** The stage rows of one phase: its CPU per alert, shared out as the profile's samples are. */
export function stageCost(cost: PhaseCost, split: StageSplit): StageCost {
  const threads = cost.serviceThreadsMsPerAlert;
  // The profile samples the main thread; the other threads' CPU is read per thread instead.
  const sampledMs = threads?.main ?? cost.serviceMsPerAlert;
  const measured: Partial<Record<Stage, number>> =
    threads === undefined
      ? {}
      : { v8Helpers: threads.v8Helpers, threadpool: threads.threadpool, other: threads.other };
  return {
    phase: cost.phase,
    attribution: STAGE_ATTRIBUTION,
    sampledMs: split.totalMicros / 1000,
    rows: STAGES.map((stage) => {
      const sampled =
        split.totalMicros === 0 ? 0 : (split.micros[stage] / split.totalMicros) * sampledMs;
      const msPerAlert = sampled + (measured[stage] ?? 0);
      return {
        stage,
        label: STAGE_LABELS[stage],
        share: cost.serviceMsPerAlert === 0 ? 0 : Math.min(1, msPerAlert / cost.serviceMsPerAlert),
        msPerAlert,
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
