import type { Kysely } from 'kysely';
import { alertBacklog } from '../alerts/alert-store.js';
import type { Database } from '../platform/database/database-schema.js';
import type { Logger } from '../platform/observability/logger.js';
import type { Metrics } from '../platform/observability/metrics.js';

/**
 * Watches alerts against Ethoca's 24 h outcome window. Every tick it publishes how many open
 * alerts are past 12 h (warning), 20 h (critical) and 24 h (overdue) as gauges for the monitors,
 * and logs them when any are late. (Unmatched alerts held for an agent come back to the rules
 * through a delayed job, see alert-worker.ts.)
 */
export class DeadlineWatch {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      logger: Logger;
      metrics: Metrics;
    },
    private readonly options: { intervalMs: number },
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.tick()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.deps.logger.error({ err: error }, 'deadline watch failed; will try again');
        })
        .finally(() => {
          this.#running = undefined;
        });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async tick(): Promise<{ warning: number; critical: number; overdue: number }> {
    const backlog = await alertBacklog(this.deps.db);
    const { warning, critical, overdue } = backlog.deadlines;
    this.deps.metrics.gauge('alerts.open_by_deadline', warning, ['bucket:warning']);
    this.deps.metrics.gauge('alerts.open_by_deadline', critical, ['bucket:critical']);
    this.deps.metrics.gauge('alerts.open_by_deadline', overdue, ['bucket:overdue']);
    this.deps.metrics.gauge('alerts.unprocessed', backlog.unprocessed);
    // How long the oldest alert has waited for the worker to pick it up: a stopped or stuck worker
    // shows here within minutes, long before any alert nears a deadline bucket.
    this.deps.metrics.gauge(
      'alerts.oldest_unprocessed_age_seconds',
      backlog.oldestUnprocessedAt === null
        ? 0
        : Math.max(0, Math.round((Date.now() - backlog.oldestUnprocessedAt.getTime()) / 1000)),
    );
    if (critical + overdue > 0) {
      this.deps.logger.error(
        { warning, critical, overdue },
        'alerts are close to or past the 24 h outcome deadline',
      );
    } else if (warning > 0) {
      this.deps.logger.warn({ warning }, 'alerts are open for more than 12 h');
    }

    return { warning, critical, overdue };
  }
}
