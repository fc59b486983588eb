import type { JobResult, PgBoss } from 'pg-boss';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { PROCESS_ALERT_QUEUE, type ProcessAlertJob } from '../platform/queue.js';
import { processAlert, type ProcessAlertDeps } from './process-alert.js';

/** Jobs fetched per round trip; they are worked concurrently and settled one by one. */
const BATCH_SIZE = 10;

/**
 * Consumes the receiver's `process-alert` jobs. Each fetch takes up to ten jobs and works them
 * concurrently; each job is settled on its own, so one alert's failure retries only that alert.
 * NOTIFY wakes the workers as soon as an alert is stored, a full batch makes them fetch again at
 * once, and a one-second poll is the backstop. pg-boss retries a failed job with backoff (the
 * queue policy in platform/queue.ts) and, through heartbeats, hands the jobs of a crashed worker
 * to another one within about 20 s.
 */
export async function startAlertWorker(
  queue: PgBoss,
  deps: ProcessAlertDeps & { logger: Logger; metrics: Metrics },
  options: { concurrency: number },
): Promise<string> {
  return queue.work<ProcessAlertJob>(
    PROCESS_ALERT_QUEUE,
    {
      localConcurrency: options.concurrency,
      batchSize: BATCH_SIZE,
      perJobResults: true,
      burstWhenBatchFull: true,
      pollingIntervalSeconds: 1,
      notifyPollingIntervalSeconds: 1,
    },
    async (jobs): Promise<JobResult[]> =>
      Promise.all(
        jobs.map(async (job): Promise<JobResult> => {
          const started = performance.now();
          try {
            const result = await processAlert(deps, job.data.alertId);
            if (result === 'refund-failed') {
              deps.metrics.increment('processing.refund_failed');
              deps.logger.warn(
                { alertId: job.data.alertId },
                'the PSP refused the refund; the alert waits for an agent (POST /api/v6/alerts/:id/outcome)',
              );
            }
            deps.metrics.histogram('processing.latency', performance.now() - started, [
              `result:${result}`,
            ]);
            return { id: job.id, status: 'completed' };
          } catch (error) {
            deps.metrics.increment('processing.errors');
            deps.logger.warn(
              { err: error, alertId: job.data.alertId },
              'alert processing failed; the job will be retried',
            );
            return {
              id: job.id,
              status: 'failed',
              output: { message: error instanceof Error ? error.message : String(error) },
            };
          }
        }),
      ),
  );
}
