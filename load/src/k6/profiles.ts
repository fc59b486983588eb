/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- @types/k6 declares the
   scenario shapes as classes, but k6 reads plain objects from `options.scenarios` and nothing
   ever constructs those classes. */
import { THROUGHPUT_FLOOR_ALERTS_PER_SECOND } from '@mastercom/contracts/slo';
import type { Scenario } from 'k6/options';
import { ALERTS_PER_ITERATION } from './traffic-mix.js';

/** The scenarios a run can choose with LOAD_SCENARIO. */
export const PROFILE_NAMES = ['smoke', 'load', 'stress', 'spike', 'soak'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function profileName(value: string | undefined): ProfileName {
  const name = value ?? 'smoke';
  const found = PROFILE_NAMES.find((candidate) => candidate === name);
  if (found === undefined) {
    throw new Error(`LOAD_SCENARIO must be one of ${PROFILE_NAMES.join(', ')}, not ${name}`);
  }
  return found;
}

/**
 * The alerts-acknowledged rate is averaged over the whole run, including the VUs' ramp-in at the
 * start and the graceful stop at the end, so the arrival rate sits 10 % above the floor for the
 * average to clear it when the service keeps up.
 */
const RATE_HEADROOM = 1.1;

/** Webhook iterations per second that deliver the SLO throughput floor in alerts per second. */
export const LOAD_ITERATION_RATE = Math.ceil(
  (THROUGHPUT_FLOOR_ALERTS_PER_SECOND * RATE_HEADROOM) / ALERTS_PER_ITERATION,
);

/** Read API and health traffic beside the webhook: light, as operators and probes generate it. */
const READ_RATE_PER_SECOND = 5;
const HEALTH_RATE_PER_SECOND = 1;

const DURATION = /^(\d+)(s|m|h)$/;

export function durationSeconds(duration: string): number {
  const match = DURATION.exec(duration);
  if (match === null) throw new Error(`duration must look like 90s, 10m or 2h, not ${duration}`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Number(match[1]) * unit;
}

interface Stage {
  duration: string;
  target: number;
}

function stagesSeconds(stages: readonly Stage[]): number {
  return stages.reduce((sum, stage) => sum + durationSeconds(stage.duration), 0);
}

/** The read and health scenarios that run beside the webhook for `duration`. */
function background(duration: string): Record<string, Scenario> {
  return {
    alert_reads: {
      executor: 'constant-arrival-rate',
      exec: 'reads',
      rate: READ_RATE_PER_SECOND,
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 5,
      maxVUs: 20,
    },
    health: {
      executor: 'constant-arrival-rate',
      exec: 'health',
      rate: HEALTH_RATE_PER_SECOND,
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 2,
      maxVUs: 10,
    },
  };
}

function steadyWebhook(duration: string): Scenario {
  return {
    executor: 'constant-arrival-rate',
    exec: 'webhook',
    rate: LOAD_ITERATION_RATE,
    timeUnit: '1s',
    duration,
    // Little's law at the p99.9 target needs far fewer; the spare VUs let the arrival rate hold
    // while the service slows down, and dropped_iterations shows when even they run out.
    preAllocatedVUs: 20,
    maxVUs: 200,
  };
}

export const STRESS_STAGES: readonly Stage[] = [
  { duration: '2m', target: LOAD_ITERATION_RATE },
  { duration: '5m', target: LOAD_ITERATION_RATE * 5 },
  { duration: '5m', target: LOAD_ITERATION_RATE * 10 },
  { duration: '5m', target: LOAD_ITERATION_RATE * 20 },
];

export const SPIKE_STAGES: readonly Stage[] = [
  { duration: '1m', target: LOAD_ITERATION_RATE },
  { duration: '10s', target: LOAD_ITERATION_RATE * 10 },
  { duration: '1m', target: LOAD_ITERATION_RATE * 10 },
  { duration: '10s', target: LOAD_ITERATION_RATE },
  { duration: '2m', target: LOAD_ITERATION_RATE },
];

export interface ProfileSettings {
  /** LOAD_DURATION: how long `load` and `soak` hold the rate. */
  readonly duration?: string | undefined;
}

export function scenariosFor(
  profile: ProfileName,
  settings: ProfileSettings = {},
): Record<string, Scenario> {
  switch (profile) {
    case 'smoke':
      return {
        smoke: { executor: 'constant-vus', exec: 'smoke', vus: 1, duration: '1m' },
      };
    case 'load': {
      const duration = settings.duration ?? '10m';
      durationSeconds(duration);
      return { webhook: steadyWebhook(duration), ...background(duration) };
    }
    case 'soak': {
      const duration = settings.duration ?? '2h';
      durationSeconds(duration);
      return { webhook: steadyWebhook(duration), ...background(duration) };
    }
    case 'stress':
      return {
        webhook: {
          executor: 'ramping-arrival-rate',
          exec: 'webhook',
          startRate: LOAD_ITERATION_RATE,
          timeUnit: '1s',
          stages: STRESS_STAGES.map((stage) => ({ ...stage })),
          preAllocatedVUs: 100,
          maxVUs: 2000,
        },
        ...background(`${stagesSeconds(STRESS_STAGES)}s`),
      };
    case 'spike':
      return {
        webhook: {
          executor: 'ramping-arrival-rate',
          exec: 'webhook',
          startRate: LOAD_ITERATION_RATE,
          timeUnit: '1s',
          stages: SPIKE_STAGES.map((stage) => ({ ...stage })),
          preAllocatedVUs: 100,
          maxVUs: 1500,
        },
        ...background(`${stagesSeconds(SPIKE_STAGES)}s`),
      };
  }
}
