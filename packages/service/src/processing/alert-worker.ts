import type { PgBoss } from 'pg-boss';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { PROCESS_ALERT_QUEUE, type ProcessAlertJob } from '../platform/queue.js';
import { processAlert, type ProcessAlertDeps } from './process-alert.js';

/**
 * Consumes the receiver's `process-alert` jobs. pg-boss retries a job that throws (with backoff,
 * see the queue policy in platform/queue.ts) and, through heartbeats, hands the job of a crashed
 * worker to another one within about 20 s.
 */
export async function startAlertWorker(
  queue: PgBoss,
  deps: ProcessAlertDeps & { logger: Logger; metrics: Metrics },
  options: { concurrency: number },
): Promise<string> {
  return queue.work<ProcessAlertJob>(
    PROCESS_ALERT_QUEUE,
    { localConcurrency: options.concurrency, batchSize: 1 },
    async ([job]) => {
      if (job === undefined) return;
      const started = performance.now();
      try {
        const result = await processAlert(deps, job.data.alertId);
        deps.metrics.histogram('processing.latency', performance.now() - started, [
          `result:${result}`,
        ]);
      } catch (error) {
        deps.metrics.increment('processing.errors');
        deps.logger.warn(
          { err: error, alertId: job.data.alertId },
          'alert processing failed; the job will be retried',
        );
        throw error;
      }
    },
  );
}
