import autocannon from 'autocannon';

/** The counts of a run that the report uses; autocannon's result has them, and so has the open loop. */
export interface RunCounts {
  /** Seconds over which the requests were sent. */
  duration: number;
  requests: { total: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadRun {
  readonly result: RunCounts;
  /** Every response time in milliseconds, for exact percentiles and the chart. */
  readonly latencies: number[];
}

export type Progress = (line: string) => void;

/**
 * One autocannon run with a progress line per second. autocannon stops by itself after
 * `duration` seconds; the bench adds a hard timer on top, so a stuck server cannot hold the run.
 */
export async function runLoad(
  options: autocannon.Options,
  label: string,
  progress: Progress,
): Promise<LoadRun> {
  const latencies: number[] = [];
  const durationSeconds = Number(options.duration ?? 10);
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ ...options, url: options.url }, (error, finished) => {
      if (error !== null && error !== undefined) reject(error as Error);
      else resolve(finished);
    });
    instance.on('response', (_client, _status, _bytes, responseTime: number) => {
      latencies.push(responseTime);
    });
    const started = performance.now();
    const ticker = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      progress(
        `  ${label}: ${Math.min(elapsed, durationSeconds).toFixed(0)} s / ${durationSeconds} s, ${latencies.length.toLocaleString('en')} responses`,
      );
    }, 1000);
    const hardStop = setTimeout(() => instance?.stop(), (durationSeconds + 30) * 1000);
    const clear = () => {
      clearInterval(ticker);
      clearTimeout(hardStop);
    };
    instance.once('done', clear);
  });
  return { result, latencies };
}
