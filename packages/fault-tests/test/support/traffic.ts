import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { alertAcknowledgementSchema, type EthocaAlert } from '@mastercom/contracts';
import { postOnce, standardWebhookHeaders } from '@mastercom/testkit';

export const WEBHOOK_PATH = '/api/v6/webhooks/ethoca';

/** One HTTP attempt as the sender saw it. */
export interface Attempt {
  /** When the request could go out: its connection open (a refused one keeps its first try). */
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or `network` when no response arrived (refused, reset, timed out). */
  status: number | 'network';
  retryAfter: string | null;
  /** For a 200: whether the acknowledgement said SUCCESS for the alert. */
  success: boolean;
  /** For `network`: what failed, as the HTTP client reported it (ECONNREFUSED, ECONNRESET, ...). */
  error?: string;
}

export interface Delivery {
  alertId: string;
  attempts: Attempt[];
  /** The first attempt that got SUCCESS, if any. */
  acknowledgedAt: number | undefined;
}

export interface TrafficOptions {
  count: number;
  ratePerSecond: number;
  /** The service's URL at the time of each attempt (it changes when the service restarts). */
  url: () => string;
  secret: string;
  alert: (index: number) => EthocaAlert;
  /** Attempts per alert, the first included; a webhook sender gives up eventually. */
  maxAttempts?: number;
  /** Longest wait between attempts, whatever Retry-After says. */
  maxRetryDelayMs?: number;
  requestTimeoutMs?: number;
  /**
   * Requests open at once, as a sender's bounded connection pool allows; an attempt that finds
   * them all busy waits for one before it starts.
   */
  maxInFlight?: number;
}

/**
 * Sends `count` single-alert deliveries at a steady rate (an open model: a slow answer does not
 * slow the arrivals; with every slot of the sender's connection pool busy they queue in the
 * sender) and retries each non-2xx answer like a webhook sender: the same message id signed
 * afresh, after `Retry-After` (capped) or, when the connection failed, after a pause that doubles
 * with each failure in a row, for at most `maxAttempts` attempts. Resolves when every alert is
 * acknowledged or out of attempts.
 */
export async function sendSteadyTraffic(options: TrafficOptions): Promise<Delivery[]> {
  const maxAttempts = options.maxAttempts ?? 30;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const intervalMs = 1000 / options.ratePerSecond;
  const started = performance.now();
  const deliveries: Delivery[] = [];
  const pending: Promise<void>[] = [];
  const slots = new Slots(options.maxInFlight ?? 256);
  // The slots bound the requests in flight; the agent itself does not cap sockets, since one the
  // server is still closing would count against the cap and hold a request back in its queue.
  const agent = new Agent({ keepAlive: true });

  const deliver = async (delivery: Delivery, body: string, messageId: string) => {
    let networkFailures = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      await slots.acquire();
      const record: Attempt = {
        startedAt: Date.now(),
        endedAt: 0,
        status: 'network',
        retryAfter: null,
        success: false,
      };
      delivery.attempts.push(record);
      try {
        const answer = await postOnce({
          agent,
          url: new URL(WEBHOOK_PATH, options.url()),
          headers: {
            'content-type': 'application/json',
            ...standardWebhookHeaders({ secret: options.secret, body, id: messageId }),
          },
          body,
          timeoutMs,
          onSending: () => {
            record.startedAt = Date.now();
          },
        });
        record.status = answer.status;
        record.retryAfter = answer.retryAfter;
        if (answer.status === 200) {
          const ack = alertAcknowledgementSchema.parse(JSON.parse(answer.body));
          record.success = ack.alertResponses.some(
            (item) => item.alertId === delivery.alertId && item.status === 'SUCCESS',
          );
        }
      } catch (error) {
        record.status = 'network';
        record.error = networkErrorOf(error);
      } finally {
        slots.release();
      }
      record.endedAt = Date.now();
      if (record.success) {
        delivery.acknowledgedAt = record.endedAt;
        return;
      }
      if (record.status === 200) return; // A FAILURE acknowledgement is final for a sender.
      const retryAfterMs = Number(record.retryAfter ?? Number.NaN) * 1000;
      // Without a Retry-After (no answer at all), the wait doubles with each failed attempt in a
      // row, from 250 ms: a sender that reconnected every 250 ms through each restart made 170,000
      // connection attempts in one long restart run.
      networkFailures = record.status === 'network' ? networkFailures + 1 : 0;
      const base = Number.isFinite(retryAfterMs)
        ? retryAfterMs
        : 250 * 2 ** Math.min(Math.max(networkFailures - 1, 0), 6);
      // Full jitter on a capped wait, so the retries after an outage do not arrive in one wave.
      await sleep(Math.min(maxRetryDelayMs, base) * (0.5 + Math.random() * 0.5));
    }
  };

  for (let index = 0; index < options.count; index += 1) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const alert = options.alert(index);
    const delivery: Delivery = { alertId: alert.alertId, attempts: [], acknowledgedAt: undefined };
    deliveries.push(delivery);
    pending.push(deliver(delivery, JSON.stringify(alert), `msg_${alert.alertId}`));
  }
  await Promise.all(pending);
  agent.destroy();
  return deliveries;
}

/** A counting semaphore: at most `size` holders, the others wait in arrival order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}

/** The error's code (ECONNREFUSED, ECONNRESET, TIMEOUT, ...), or its name. */
function networkErrorOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : String(error);
}

/** Nearest-rank percentile of already sorted values. */
export function percentileOf(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Every attempt of every delivery, flattened. */
export function attemptsOf(deliveries: readonly Delivery[]): Attempt[] {
  return deliveries.flatMap((delivery) => delivery.attempts);
}
