import { AlertTraffic } from '../alert-traffic.js';
import type { Progress } from '../load-run.js';
import type { OpenLoopRequest } from '../open-loop.js';

// What every phase that runs the service shares: the run's settings and context, the service's
// environment and flags, and the open loop's deliveries.

export interface BenchSettings {
  readonly quick: boolean;
  readonly phaseSeconds: number;
  readonly warmupSeconds: number;
  /** Fixed connections of the full-speed phases (HTTP ceiling, database ceiling, throughput). */
  readonly connections: number;
  readonly openModelRate: number;
  readonly openModelConnections: number;
  readonly outcomeRate: number;
  readonly outcomeConnections: number;
  /** How long the outcome phase waits for the worker to finish after sending stops. */
  readonly drainTimeoutSeconds: number;
  /** When set, each service process writes a V8 CPU profile into the report directory. */
  readonly cpuProfile: boolean;
}

export interface ServiceContext {
  readonly databaseUrl: string;
  readonly postgresPort: number;
  readonly secret: string;
  readonly apiToken: string;
  /** The UDP port of the DogStatsD sink, so metrics leave the service as they do in production. */
  readonly statsdPort: number;
  readonly reportDir: string;
  readonly settings: BenchSettings;
  readonly progress: Progress;
}

/** The service's environment apart from secrets and URLs, as the report shows it. */
export const SERVICE_SETTINGS = {
  NODE_ENV: 'production',
  // Production's level: the service logs every webhook request at info.
  LOG_LEVEL: 'info',
  DD_TRACE_ENABLED: 'false',
  SHUTDOWN_GRACE_MS: '5000',
} as const;

/** Node flags for a service process: a CPU profile named after its phase when asked for. */
export function serviceNodeArgs(context: ServiceContext, phase: string): string[] {
  if (!context.settings.cpuProfile) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${context.reportDir}`,
    `--cpu-prof-name=${phase}.cpuprofile`,
  ];
}

export function baseEnvironment(
  context: ServiceContext,
  databaseUrl: string,
): Record<string, string> {
  return {
    ...SERVICE_SETTINGS,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    WEBHOOK_HMAC_SECRETS: context.secret,
    API_TOKENS: `admin:${context.apiToken}`,
    DD_AGENT_HOST: '127.0.0.1',
    DD_DOGSTATSD_PORT: String(context.statsdPort),
  };
}

export const MIB = 1024 * 1024;

/** A request the open loop has not been answered within is counted as a timeout. */
export const OPEN_LOOP_TIMEOUT_MS = 10_000;

/** The open loop's next request: a signed delivery whose answer the traffic records. */
export function deliveryOf(traffic: AlertTraffic): OpenLoopRequest {
  const delivery = traffic.nextDelivery();
  return {
    body: delivery.body,
    headers: delivery.headers,
    onResponse: (status, body) => {
      traffic.recordAnswer(delivery.alertIds, status, body);
    },
  };
}
