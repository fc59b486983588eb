import { StatsD } from 'hot-shots';

export interface MetricsOptions {
  agentHost?: string | undefined;
  port: number;
  globalTags: Record<string, string>;
}

/**
 * DogStatsD client. With no agent configured it runs in hot-shots' mock mode: calls are accepted
 * and dropped, so development and tests need no agent and send nothing over the network.
 */
export function createMetrics(options: MetricsOptions): StatsD {
  const client = new StatsD({
    host: options.agentHost,
    port: options.port,
    prefix: 'mastercom.',
    globalTags: options.globalTags,
    mock: options.agentHost === undefined,
    // Several metrics per request, each its own UDP datagram, cost a system call apiece on the
    // request path. Buffered, they leave in datagrams of up to 1,432 bytes (one Ethernet frame,
    // as Datadog's client guidance suggests) at least once a second.
    maxBufferSize: 1432,
    bufferFlushInterval: 1000,
    // A missing agent must never take the service down; errors are swallowed after logging once.
    errorHandler: () => undefined,
  });
  // In mock mode hot-shots keeps every line it would have sent in `mockBuffer`, which tests read;
  // a development service left running would keep them all. Only the most recent are kept.
  if (client.mockBuffer !== undefined) client.mockBuffer = new RecentLines();
  return client;
}

/** How many mock metric lines a client keeps at least: far more than any test reads back. */
export const MOCK_LINES_KEPT = 10_000;

/** An array that, past twice its size, drops its oldest lines (in one splice, not per push). */
class RecentLines extends Array<string> {
  override push(...lines: string[]): number {
    super.push(...lines);
    if (this.length > 2 * MOCK_LINES_KEPT) this.splice(0, this.length - MOCK_LINES_KEPT);
    return this.length;
  }
}

export type Metrics = Pick<StatsD, 'increment' | 'histogram' | 'gauge' | 'timing'>;
