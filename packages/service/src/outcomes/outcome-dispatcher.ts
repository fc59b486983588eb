import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import type { Logger } from '../platform/observability/logger.js';
import type { Metrics } from '../platform/observability/metrics.js';
import {
  claimDueOutcomes,
  markFailed,
  markRetry,
  markSent,
  type ClaimedOutcome,
} from './outcome-outbox.js';
import type { OutcomeSender, SendResult } from './outcome-sender.js';
import { retryDelayMs } from './retry-backoff.js';

export interface OutcomeDispatcherOptions {
  /** At most 25 outcomes per Outcome API call. */
  batchSize: number;
  /**
   * Calls in flight at once while full batches are due (1 when not given). Each call has its own
   * claim, and SKIP LOCKED keeps the claims apart, so no outcome is in two calls.
   */
  concurrency?: number;
  /** How often due outcomes are looked for when the last batch was not full. */
  flushIntervalMs: number;
  /** How long a claimed batch may be in flight before another dispatcher may re-send it. */
  leaseMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Measured from the alert's receipt; after it, an undelivered outcome is dead-lettered. */
  retryBudgetMs: number;
}

/**
 * Sends decided outcomes to Ethoca in batches of at most 25: a batch goes out as soon as one is
 * due, and full batches follow each other without waiting for the interval. Several dispatchers
 * (one per worker replica) share the outbox safely through SKIP LOCKED claims.
 */
export class OutcomeDispatcher {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  // Set only by stop(): it ends the timer loop and cuts a running flush short after its current
  // batch. A dispatcher that was never started must still drain everything when flush() is called.
  #stopped = false;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      sender: OutcomeSender;
      logger: Logger;
      metrics: Metrics;
      now?: () => number;
    },
    private readonly options: OutcomeDispatcherOptions,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /**
   * Sends every due batch once; returns how many outcomes were attempted. One lane of calls runs
   * while batches come back partly filled; each full batch opens another lane, up to
   * `concurrency`, so a backlog drains with several calls in flight and an idle outbox costs one
   * claim per interval. Resolves once every lane has ended; the first error is thrown then.
   */
  async flush(): Promise<number> {
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    const lanes = new Set<Promise<void>>();
    const errors: unknown[] = [];
    let attempted = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        const batch = await claimDueOutcomes(this.deps.db, {
          limit: this.options.batchSize,
          leaseMs: this.options.leaseMs,
        });
        if (batch.length === 0) return;
        attempted += batch.length;
        const full = batch.length === this.options.batchSize && !this.#stopped;
        if (full && lanes.size < concurrency) open();
        await this.#deliver(batch);
        if (!full || this.#stopped) return;
      }
    };
    const open = () => {
      const running: Promise<void> = lane()
        .catch((error: unknown) => {
          errors.push(error);
        })
        .finally(() => lanes.delete(running));
      lanes.add(running);
    };
    open();
    while (lanes.size > 0) await Promise.all([...lanes]);
    if (errors.length > 0) throw errors[0];
    return attempted;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.flush()
        .catch((error: unknown) => {
          this.deps.logger.error({ err: error }, 'outcome dispatch failed; will try again');
        })
        .then(() => {
          this.#schedule(this.options.flushIntervalMs);
        });
    }, delayMs);
  }

  async #deliver(batch: ClaimedOutcome[]): Promise<void> {
    const started = performance.now();
    // A thrown error (timeout, reset, DNS) tells us nothing about the batch: send it again.
    const result: SendResult = await this.deps.sender
      .send(batch.map((claimed) => claimed.outcome))
      .catch((error: unknown): SendResult => ({
        kind: 'retry',
        reason: error instanceof Error ? error.message : String(error),
      }));
    // Backoff and Retry-After count from the answer, not from the request: read before the
    // call, a 10 s timeout would already have used up a retry delay of a few seconds and the
    // batch would go out again at once, and a slow 429 would shorten the wait it asked for.
    const now = this.deps.now?.() ?? Date.now();
    this.deps.metrics.histogram('outcomes.call_latency', performance.now() - started);
    this.deps.metrics.increment('outcomes.calls', 1, [`result:${result.kind}`]);
    if (result.kind === 'retry') {
      this.deps.logger.warn(
        { outcomes: batch.length, reason: result.reason },
        'Outcome API call not answered; its outcomes will be sent again',
      );
    }

    const sent: { alertId: string; reason: string }[] = [];
    let resent = 0;
    for (const claimed of batch) {
      if (result.kind === 'rejected') {
        await this.#fail(claimed, 'FAILED', result.reason);
        continue;
      }
      if (result.kind === 'retry') {
        await this.#retry(claimed, result.reason, now, result.retryAfterMs);
        continue;
      }
      const answer = result.results.get(claimed.alertId);
      if (answer === undefined) {
        await this.#retry(claimed, 'Ethoca did not answer for this alert', now);
      } else if (answer.status === 'SUCCESS') {
        sent.push({ alertId: claimed.alertId, reason: 'Ethoca accepted the outcome' });
      } else if (answer.alreadyRecorded) {
        resent += 1;
        sent.push({ alertId: claimed.alertId, reason: 'Ethoca already held this outcome' });
      } else if (answer.recoverable) {
        await this.#retry(claimed, answer.description, now);
      } else {
        await this.#fail(claimed, 'FAILED', answer.description);
      }
    }
    if (resent > 0) {
      // Expected after a crash or a lost answer; routine ones mean calls outlive their lease.
      this.deps.logger.warn({ outcomes: resent }, 'Ethoca already held outcomes sent again');
    }
    const settled = await markSent(this.deps.db, sent);
    if (settled.size > 0) this.deps.metrics.increment('outcomes.sent', settled.size);
  }

  async #retry(
    claimed: ClaimedOutcome,
    reason: string,
    now: number,
    retryAfterMs?: number,
  ): Promise<void> {
    const delay = retryDelayMs(claimed.attempts, {
      baseMs: this.options.backoffBaseMs,
      capMs: this.options.backoffCapMs,
      retryAfterMs,
    });
    if (now + delay > claimed.receivedAt.getTime() + this.options.retryBudgetMs) {
      await this.#fail(claimed, 'DEAD_LETTER', reason);
      return;
    }
    this.deps.metrics.increment('outcomes.retried');
    await markRetry(this.deps.db, claimed.alertId, reason, new Date(now + delay));
  }

  async #fail(
    claimed: ClaimedOutcome,
    state: 'FAILED' | 'DEAD_LETTER',
    reason: string,
  ): Promise<void> {
    this.deps.logger.error(
      { alertId: claimed.alertId, state, reason, attempts: claimed.attempts },
      'outcome not delivered',
    );
    this.deps.metrics.increment(
      state === 'DEAD_LETTER' ? 'outcomes.dead_letter' : 'outcomes.failed',
    );
    await markFailed(this.deps.db, claimed.alertId, state, reason);
  }
}
