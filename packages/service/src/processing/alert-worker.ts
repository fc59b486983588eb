import type { JobResult, PgBoss } from 'pg-boss';
import type { Logger } from '../platform/observability/logger.js';
import type { Metrics } from '../platform/observability/metrics.js';
import { PROCESS_ALERT_QUEUE, type ProcessAlertJob } from '../platform/database/queue.js';
import { processAlerts, settlementFor, type ProcessAlertDeps } from './process-alert.js';

/**
 * Jobs fetched per round trip; they are worked together and settled one by one. Measured with
 * the bench at 500 alerts/s on two cores: 10 finished about 450 alerts/s (alert-to-outcome p99
 * 1.6-2.3 s); 25 kept up with a p99 under 1 s, since each batch's statements serve more alerts.
 */
const BATCH_SIZE = 25;

/**
 * Consumes the receiver's `process-alert` jobs. Each fetch takes up to 25 jobs and works them as
 * one batch (`processAlerts`: shared round trips to the database, refunds concurrently); each job
 * is settled on its own, so one alert's failure retries only that alert.
 * NOTIFY wakes the workers as soon as an alert is stored, a full batch makes them fetch again at
 * once, and a one-second poll is the backstop. pg-boss retries a failed job with backoff (the
 * queue policy in platform/database/queue.ts) and, through heartbeats, hands the jobs of a crashed worker
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
    async (jobs): Promise<JobResult[]> => {
      const started = performance.now();
      const settled = await processAlerts(
        deps,
        jobs.map((job) => job.data.alertId),
      );
      return Promise.all(
        jobs.map(async (job): Promise<JobResult> => {
          const alertId = job.data.alertId;
          const settlement = settlementFor(settled, alertId);
          try {
            if ('error' in settlement) throw settlement.error;
            const { result } = settlement;
            if (result === 'refund-failed') {
              deps.metrics.increment('processing.refund_failed');
              deps.logger.warn(
                { alertId },
                'the PSP refused the refund; the alert waits for an agent (POST /api/v6/alerts/:id/outcome)',
              );
            }
            if (result === 'held-for-agent') await revisitWhenHoldEnds(queue, deps, alertId);
            deps.metrics.histogram('processing.latency', performance.now() - started, [
              `result:${result}`,
            ]);
            return { id: job.id, status: 'completed' };
          } catch (error) {
            deps.metrics.increment('processing.errors');
            deps.logger.warn(
              { err: error, alertId },
              'alert processing failed; the job will be retried',
            );
            return {
              id: job.id,
              status: 'failed',
              output: { message: error instanceof Error ? error.message : String(error) },
            };
          }
        }),
      );
    },
  );
}

/**
 * A held alert's job completes and nothing else looks at the alert again, so without a job that
 * falls due when the hold ends, an unmatched alert that no agent decides would never get its rule
 * outcome and would miss Ethoca's window. The follow-up job finds the alert decided by an agent
 * (and leaves it) or decides it; it is due at least a second from now, so a worker whose clock
 * lags the database's cannot spin on an alert whose hold it still sees running.
 */
async function revisitWhenHoldEnds(
  queue: PgBoss,
  deps: ProcessAlertDeps,
  alertId: string,
): Promise<void> {
  const alert = await deps.db
    .selectFrom('alerts')
    .select('received_at')
    .where('alert_id', '=', alertId)
    .executeTakeFirstOrThrow();
  const holdEnds = alert.received_at.getTime() + deps.unmatchedHoldMs;
  await queue.send(PROCESS_ALERT_QUEUE, { alertId } satisfies ProcessAlertJob, {
    startAfter: new Date(Math.max(holdEnds, Date.now()) + 1000),
  });
}
