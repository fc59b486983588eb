import { sql, type Kysely } from 'kysely';
import { alertBacklog } from '../alerts/alert-store.js';
import type { Database } from '../platform/database-schema.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import { processAlert, type ProcessAlertDeps } from './process-alert.js';

/**
 * Watches alerts against Ethoca's 24 h outcome window. Every tick it publishes how many open
 * alerts are past 12 h (warning), 20 h (critical) and 24 h (overdue) as gauges for the monitors,
 * logs them when any are late, and hands unmatched alerts whose agent hold has expired back to
 * the rules, which answer NOT_FOUND before the deadline does.
 */
export class DeadlineWatch {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      logger: Logger;
      metrics: Metrics;
      processing: ProcessAlertDeps;
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

  async tick(): Promise<{ warning: number; critical: number; overdue: number; released: number }> {
    const backlog = await alertBacklog(this.deps.db);
    const { warning, critical, overdue } = backlog.deadlines;
    this.deps.metrics.gauge('alerts.open_by_deadline', warning, ['bucket:warning']);
    this.deps.metrics.gauge('alerts.open_by_deadline', critical, ['bucket:critical']);
    this.deps.metrics.gauge('alerts.open_by_deadline', overdue, ['bucket:overdue']);
    this.deps.metrics.gauge('alerts.unprocessed', backlog.unprocessed);
    if (critical + overdue > 0) {
      this.deps.logger.error(
        { warning, critical, overdue },
        'alerts are close to or past the 24 h outcome deadline',
      );
    } else if (warning > 0) {
      this.deps.logger.warn({ warning }, 'alerts are open for more than 12 h');
    }

    const holdMs = this.deps.processing.unmatchedHoldMs;
    const expired = await this.deps.db
      .selectFrom('alerts')
      .select('alert_id')
      .where('status', '=', 'UNMATCHED')
      .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${holdMs / 1000})`)
      .orderBy('received_at')
      .limit(100)
      .execute();
    for (const { alert_id } of expired) await processAlert(this.deps.processing, alert_id);
    return { warning, critical, overdue, released: expired.length };
  }
}
