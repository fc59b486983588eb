import { join } from 'node:path';
import { AlertTraffic } from '../alert-traffic.js';
import type { BenchReport } from '../bench-report.js';
import { startService } from '../child-processes.js';
import { runLoad } from '../load-run.js';
import { residentBytes, RssSampler } from '../process-stats.js';
import { measureOpenModel } from './open-model.js';
import { baseEnvironment, MIB, serviceNodeArgs, type ServiceContext } from './service-context.js';
import { measureThroughput, type ThroughputRun } from './throughput.js';
import type { ProfileWindow } from '../cpu-profile/stage-split.js';

/**
 * Ethoca's `{ alerts }` deliveries: one alert, and 25 (the Outcome API's batch limit, which the
 * earlier Go service also used as its delivery batch size).
 */
export const ETHOCA_DELIVERY_SIZES = [1, 25] as const;

export interface EthocaShapedRun extends ThroughputRun {
  alertsPerDelivery: number;
}

/**
 * Phase 3: the service with SERVICE_ROLE=web, warmed up, then on the same process the throughput
 * phase (bare single-alert bodies), the open model, and throughput with Ethoca's deliveries of 1
 * and of 25 alerts (each phase in its own file). RSS is sampled throughout.
 */
export async function measureWebRole(context: ServiceContext): Promise<
  Pick<BenchReport, 'throughput' | 'openModel' | 'rss'> & {
    throughputWindow: ProfileWindow;
    ethocaShaped: EthocaShapedRun[];
    latencies: { throughput: number[]; openModel: number[] };
  }
> {
  const { settings, progress } = context;
  const service = await startService(
    { ...baseEnvironment(context, context.databaseUrl), SERVICE_ROLE: 'web' },
    join(context.reportDir, 'service-web.log'),
    { nodeArgs: serviceNodeArgs(context, 'service-web') },
  );
  const rss = new RssSampler(service.pid);
  try {
    const idleBytes = (await residentBytes(service.pid)) ?? 0;
    progress(
      `service (web role) ready at ${service.url}, pid ${service.pid}, RSS ${(idleBytes / MIB).toFixed(0)} MiB`,
    );
    // A short unmeasured run lets V8 optimise the hot paths and fills the connection pool, as a
    // service that has been up for a while would be.
    const warmup = new AlertTraffic(context.secret, Date.now());
    await runLoad(
      {
        url: service.url,
        connections: settings.connections,
        duration: settings.warmupSeconds,
        requests: warmup.requests(),
      },
      'warm-up',
      progress,
    );
    rss.start();

    const throughput = await measureThroughput(context, service, {
      label: 'throughput',
      seed: 1,
    });
    const open = await measureOpenModel(context, service);
    // Ethoca's own shape after the phases above, so their figures stay comparable run to run.
    const ethocaShaped: EthocaShapedRun[] = [];
    for (const alertsPerDelivery of ETHOCA_DELIVERY_SIZES) {
      const run = await measureThroughput(context, service, {
        label: `Ethoca deliveries of ${String(alertsPerDelivery)}`,
        alertsPerDelivery,
        seed: 10 + alertsPerDelivery,
      });
      ethocaShaped.push({ alertsPerDelivery, ...run });
    }
    rss.stop();
    const samples = rss.samples;
    return {
      throughput: throughput.throughput,
      throughputWindow: throughput.window,
      ethocaShaped,
      openModel: open.openModel,
      rss: {
        idleMiB: idleBytes / MIB,
        maxMiB: Math.max(0, ...samples) / MIB,
        meanMiB:
          samples.length === 0 ? 0 : samples.reduce((a, b) => a + b, 0) / samples.length / MIB,
        samples: samples.length,
      },
      latencies: { throughput: throughput.latencies, openModel: open.latencies },
    };
  } finally {
    rss.stop();
    await service.stop();
  }
}
