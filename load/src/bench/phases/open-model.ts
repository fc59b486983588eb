import { setTimeout as sleep } from 'node:timers/promises';
import { AlertTraffic, WEBHOOK_PATH } from '../alert-traffic.js';
import type { BenchReport } from '../bench-report.js';
import type { RunningServer } from '../child-processes.js';
import { httpRunFrom, persistenceOf, PhaseCpu } from '../measure.js';
import { runOpenLoop } from '../open-loop.js';
import { deliveryOf, OPEN_LOOP_TIMEOUT_MS, type ServiceContext } from './service-context.js';

/** Deliveries at a fixed rate whatever the answers' latency (open model): acknowledgement latency. */
export async function measureOpenModel(
  context: ServiceContext,
  service: RunningServer,
): Promise<{ openModel: BenchReport['openModel']; latencies: number[] }> {
  const { settings, progress } = context;
  progress(
    `open model: ${settings.openModelRate} req/s on ${settings.openModelConnections} connections for ${settings.phaseSeconds} s`,
  );
  const open = new AlertTraffic(context.secret, Date.now() + 2);
  const cpu = new PhaseCpu([service.pid], context.postgresPort);
  await cpu.start();
  const openRun = await runOpenLoop(
    {
      url: service.url,
      path: WEBHOOK_PATH,
      ratePerSecond: settings.openModelRate,
      durationSeconds: settings.phaseSeconds,
      maxConnections: settings.openModelConnections,
      timeoutMs: OPEN_LOOP_TIMEOUT_MS,
    },
    () => deliveryOf(open),
    'open model',
    progress,
  );
  const openCpu = await cpu.stop();
  await sleep(1000);
  const openPersistence = await persistenceOf(context.databaseUrl, open);
  return {
    openModel: {
      ...httpRunFrom(openRun, settings.openModelConnections),
      targetRate: settings.openModelRate,
      persistence: openPersistence,
      cpu: openCpu,
    },
    latencies: openRun.latencies,
  };
}
