import { setTimeout as sleep } from 'node:timers/promises';
import { AlertTraffic } from '../alert-traffic.js';
import type { BenchReport } from '../bench-report.js';
import type { RunningServer } from '../child-processes.js';
import { runLoad } from '../load-run.js';
import { committedTransactions, httpRunFrom, persistenceOf, PhaseCpu } from '../measure.js';
import type { ServiceContext } from './service-context.js';

/**
 * Signed single-alert deliveries at full speed on fixed connections: persisted alerts per second,
 * counted in the database, and the transactions that held them.
 */
export async function measureThroughput(
  context: ServiceContext,
  service: RunningServer,
): Promise<{ throughput: BenchReport['throughput']; latencies: number[] }> {
  const { settings, progress } = context;
  progress(
    `throughput: ${settings.connections} connections at full speed for ${settings.phaseSeconds} s`,
  );
  const fullSpeed = new AlertTraffic(context.secret, Date.now() + 1);
  const cpu = new PhaseCpu([service.pid], context.postgresPort);
  const commitsBefore = await committedTransactions(context.databaseUrl);
  await cpu.start();
  const fullRun = await runLoad(
    {
      url: service.url,
      connections: settings.connections,
      duration: settings.phaseSeconds,
      requests: fullSpeed.requests(),
    },
    'throughput',
    progress,
  );
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
  };
}
