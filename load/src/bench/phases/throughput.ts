import { setTimeout as sleep } from 'node:timers/promises';
import { AlertTraffic } from '../alert-traffic.js';
import type { BenchReport } from '../bench-report.js';
import type { RunningServer } from '../child-processes.js';
import type { ProfileWindow } from '../cpu-profile/stage-split.js';
import { runLoad } from '../load-run.js';
import { committedTransactions, httpRunFrom, persistenceOf, PhaseCpu } from '../measure.js';
import type { ServiceContext } from './service-context.js';

/** The bodies a throughput phase sends: bare single alerts, or Ethoca's `{ alerts }` of n. */
export interface DeliveryShape {
  label: string;
  alertsPerDelivery?: number;
  /** Distinguishes the phases' alert ids (each phase's rows are counted by prefix). */
  seed: number;
}

export interface ThroughputRun {
  throughput: BenchReport['throughput'];
  latencies: number[];
  /** The phase on the monotonic clock, to take its samples out of the process's CPU profile. */
  window: ProfileWindow;
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Signed deliveries at full speed on fixed connections: persisted alerts per second, counted in
 * the database, and the transactions that held them.
 */
export async function measureThroughput(
  context: ServiceContext,
  service: RunningServer,
  shape: DeliveryShape,
): Promise<ThroughputRun> {
  const { settings, progress } = context;
  progress(
    `${shape.label}: ${settings.connections} connections at full speed for ${settings.phaseSeconds} s`,
  );
  const fullSpeed = new AlertTraffic(
    context.secret,
    Date.now() + shape.seed,
    shape.alertsPerDelivery,
  );
  const cpu = new PhaseCpu([service.pid], context.postgresPort);
  const commitsBefore = await committedTransactions(context.databaseUrl);
  await cpu.start();
  const fromMicros = monotonicMicros();
  const fullRun = await runLoad(
    {
      url: service.url,
      connections: settings.connections,
      duration: settings.phaseSeconds,
      requests: fullSpeed.requests(),
    },
    shape.label,
    progress,
  );
  const toMicros = monotonicMicros();
  const fullCpu = await cpu.stop();
  // Responses autocannon abandoned at the end may still commit; give them a moment first.
  await sleep(1000);
  const fullPersistence = await persistenceOf(context.databaseUrl, fullSpeed);
  // The statistics views count this bench's own queries too: the two persistence queries and
  // the statistics query itself, which are subtracted.
  const serviceCommits = Math.max(
    1,
    (await committedTransactions(context.databaseUrl)) - commitsBefore - 3,
  );
  const fullHttp = httpRunFrom(fullRun, settings.connections);

  return {
    throughput: {
      ...fullHttp,
      persistedPerSecond: fullPersistence.rows / fullHttp.durationSeconds,
      persistence: fullPersistence,
      commits: {
        commitsPerSecond: serviceCommits / fullHttp.durationSeconds,
        alertsPerCommit: fullPersistence.rows / serviceCommits,
      },
      cpu: fullCpu,
    },
    latencies: fullRun.latencies,
    window: { fromMicros, toMicros },
  };
}
