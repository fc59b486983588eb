import type { Logger } from '../platform/observability/logger.js';
import type { Metrics } from '../platform/observability/metrics.js';
import type { MastercomQueueSync } from './queue-sync/queue-sync.js';

/**
 * Runs the queue sync every `intervalMs` in the worker role. Runs never overlap: the next one is
 * scheduled when the previous one ends. A failed run is logged and counted, and the next run
 * starts from the saved watermark, so nothing is lost.
 */
export class MastercomSyncScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly deps: {
      sync: Pick<MastercomQueueSync, 'run'>;
      logger: Logger;
      metrics: Pick<Metrics, 'increment'>;
    },
    private readonly options: { intervalMs: number; firstRunDelayMs?: number },
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule(this.options.firstRunDelayMs ?? 1000);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#runOnce().finally(() => {
        this.#running = undefined;
        this.#schedule(this.options.intervalMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #runOnce(): Promise<void> {
    try {
      const result = await this.deps.sync.run();
      if ('skipped' in result)
        this.deps.logger.debug('Mastercom sync skipped: another worker runs it');
    } catch (error) {
      this.deps.metrics.increment('sync.failed');
      this.deps.logger.error(
        { err: error },
        'Mastercom queue sync failed; the next run resumes from the watermark',
      );
    }
  }
}
