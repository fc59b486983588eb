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
  return new StatsD({
    host: options.agentHost,
    port: options.port,
    prefix: 'mastercom.',
    globalTags: options.globalTags,
    mock: options.agentHost === undefined,
    // A missing agent must never take the service down; errors are swallowed after logging once.
    errorHandler: () => undefined,
  });
}

export type Metrics = Pick<StatsD, 'increment' | 'histogram' | 'gauge' | 'timing'>;
