/**
 * The campaign's sizes. Short is what every CI run and `pnpm test` carry on two cores; long is
 * the nightly Buildkite step (`FAULTS_SCALE=long`), the same code with the counts of the issue.
 */
export const SCALE: 'short' | 'long' = process.env.FAULTS_SCALE === 'long' ? 'long' : 'short';

const long = SCALE === 'long';

export const SIZES = {
  outage: {
    alerts: long ? 10_000 : 1_500,
    ratePerSecond: long ? 200 : 100,
    cutMs: long ? 30_000 : 5_000,
    latencyMs: long ? 10_000 : 3_000,
    resetShareMs: long ? 10_000 : 3_000,
  },
  restarts: { cycles: long ? 20 : 3, ratePerSecond: long ? 500 : 100, upMs: long ? 4_000 : 3_000 },
  crashes: { alerts: long ? 1_000 : 200, kills: long ? 5 : 2 },
  hostile: {
    corpus: long ? 200_000 : 50_000,
    propertyRuns: long ? 50_000 : 10_000,
    overHttp: long ? 5_000 : 1_000,
  },
  sharedRefunds: {
    groups: long ? 60 : 10,
    kills: long ? 10 : 2,
    /** Worker processes on the one database, each SIGKILLed and restarted at random. */
    workers: 3,
    /** The longest wait for every alert to leave the workers' hands and reach Ethoca. */
    settleMs: long ? 300_000 : 120_000,
  },
  exhaustion: { slowloris: long ? 500 : 100, baselineRequests: long ? 2_000 : 400 },
} as const;
