import { z } from 'zod';
import { costTableSchema, threadGroupsSchema } from './cpu-profile/cost-table.js';

/** The JSON report of one bench run; the Markdown report and the smoke test read the same. */

const latency = z.object({
  count: z.number().int().nonnegative(),
  p50: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  p999: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});

const cpu = z.object({
  /** Cores used on average over the phase, per process group (1.0 = one core fully busy). */
  service: z.number().nonnegative(),
  /** The busiest of the service's processes (each runs its JavaScript on one core). */
  serviceBusiestProcess: z.number().nonnegative(),
  postgres: z.number().nonnegative(),
  loadGenerator: z.number().nonnegative(),
  /**
   * The service's cores by thread group (main thread, V8's helper threads, libuv's threadpool,
   * other), when the phase ran one service process.
   */
  serviceThreads: threadGroupsSchema.optional(),
  /** Share of the phase in which some task waited for a core (PSI cpu "some"), machine-wide. */
  cpuStall: z.number().min(0).max(1),
  /** Share of the phase in which some task waited for I/O (PSI io "some"), machine-wide. */
  ioStall: z.number().min(0).max(1),
});

/** What the service's transactions looked like in a phase, from pg_stat_database. */
const commits = z.object({
  commitsPerSecond: z.number().nonnegative(),
  alertsPerCommit: z.number().nonnegative(),
});

const httpRun = z.object({
  durationSeconds: z.number().positive(),
  connections: z.number().int().positive(),
  requests: z.number().int().nonnegative(),
  requestsPerSecond: z.number().nonnegative(),
  responses2xx: z.number().int().nonnegative(),
  non2xx: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  latencyMs: latency,
});

/** Alerts sent in a phase, and how the database agrees with the acknowledgements. */
const persistence = z.object({
  acknowledged: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  /** Acknowledged alerts with no row: must be 0, or the service acknowledged what it lost. */
  acknowledgedWithoutRow: z.number().int().nonnegative(),
  /** Rows committed for requests whose answer autocannon stopped waiting for at the end. */
  rowsWithoutAcknowledgement: z.number().int().nonnegative(),
  rejectedAcknowledgements: z.number().int().nonnegative(),
});

const throughputRun = httpRun.extend({
  persistedPerSecond: z.number().nonnegative(),
  persistence,
  commits,
  cpu,
});

export const targetResultSchema = z.object({
  id: z.string(),
  description: z.string(),
  measured: z.number(),
  target: z.number(),
  comparison: z.enum(['>=', '<=']),
  unit: z.string(),
  pass: z.boolean(),
  /** What held the figure back, from the run's own CPU and queue measurements; only on a miss. */
  limitedBy: z.string().optional(),
});
export type TargetResult = z.infer<typeof targetResultSchema>;

export const benchReportSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.iso.datetime(),
  quick: z.boolean(),
  settings: z.object({
    phaseSeconds: z.number().positive(),
    warmupSeconds: z.number().nonnegative(),
    connections: z.number().int().positive(),
    openModelRate: z.number().positive(),
    openModelConnections: z.number().int().positive(),
    outcomeRate: z.number().positive(),
    outcomeConnections: z.number().int().positive(),
    drainTimeoutSeconds: z.number().positive(),
    cpuProfile: z.boolean(),
    serviceEnvironment: z.record(z.string(), z.string()),
  }),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    memoryGiB: z.number().positive(),
    os: z.string(),
    node: z.string(),
    postgres: z.string(),
    postgresSettings: z.array(z.string()),
    loadAverageBefore: z.array(z.number()),
    loadAverageAfter: z.array(z.number()),
  }),
  httpCeiling: httpRun.extend({ cpu }),
  databaseCeiling: z.object({
    insertsPerSecond: z.number().nonnegative(),
    rows: z.number().int().nonnegative(),
    connections: z.number().int().positive(),
    durationSeconds: z.number().positive(),
    cpu,
  }),
  throughput: throughputRun,
  /** Throughput with Ethoca's `{ alerts }` bodies of 1 and of 25 alerts. */
  ethocaShaped: z.array(throughputRun.extend({ alertsPerDelivery: z.number().int().positive() })),
  /** CPU per persisted alert and per delivery, and the service's split by stage when profiled. */
  costs: costTableSchema,
  openModel: httpRun.extend({
    targetRate: z.number().positive(),
    persistence,
    cpu,
  }),
  rss: z.object({
    /** Right after the ready line, before any request: the footprint the service starts with. */
    idleMiB: z.number().nonnegative(),
    maxMiB: z.number().nonnegative(),
    meanMiB: z.number().nonnegative(),
    samples: z.number().int().nonnegative(),
  }),
  alertToOutcome: z.object({
    targetRate: z.number().positive(),
    send: httpRun,
    persistence,
    transactionsRecorded: z.number().int().nonnegative(),
    outcomeSent: z.number().int().nonnegative(),
    outcomeFailed: z.number().int().nonnegative(),
    pendingAtEnd: z.number().int().nonnegative(),
    pendingByStatus: z.record(z.string(), z.number().int().nonnegative()),
    latencyMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
    /** The two halves of that latency: receipt to decision (worker), decision to sent (dispatcher). */
    stagesMs: z.object({
      decided: z.object({ p50: z.number(), p99: z.number() }),
      sentAfterDecision: z.object({ p50: z.number(), p99: z.number() }),
    }),
    queueLag: z.object({
      maxBacklog: z.number().int().nonnegative(),
      maxOldestPendingMs: z.number().nonnegative(),
      drainSeconds: z.number().nonnegative(),
      workerAlertsPerSecond: z.number().nonnegative(),
    }),
    ethocaOutcomesRecorded: z.number().int().nonnegative(),
    pspRefundRequests: z.number().int().nonnegative(),
    cpu,
  }),
  /** One agent's reads at the desk with 100,000 alerts stored (HTTP round trips, ms). */
  deskQueue: z.object({
    alerts: z.number().int().positive(),
    waiting: z.number().int().nonnegative(),
    firstPage: latency,
    byType: latency,
    byMerchant: latency,
    pageWalk: latency,
    alertPage: latency,
  }),
  ratios: z.object({
    webhookToHttpCeiling: z.number().nonnegative(),
    webhookToDatabaseCeiling: z.number().nonnegative(),
  }),
  targets: z.array(targetResultSchema),
  passed: z.boolean(),
  /** Relative file names of the Markdown report and the chart beside this JSON. */
  files: z.object({
    markdown: z.string(),
    chart: z.string(),
    costChart: z.string(),
    json: z.string(),
  }),
});
export type BenchReport = z.infer<typeof benchReportSchema>;
export type HttpRun = z.infer<typeof httpRun>;
export type Persistence = z.infer<typeof persistence>;
export type CpuShare = z.infer<typeof cpu>;
