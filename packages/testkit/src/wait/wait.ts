import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long; every wait in the suite is bounded. */
  timeoutMs: number;
  /** Pause between probes. */
  intervalMs?: number;
  /** Extra context for the failure message, e.g. the service's last log lines. */
  context?: () => string;
}

/**
 * Probes until `probe` returns `{ done: true }`, at most `timeoutMs` and at most as many times as
 * that allows at `intervalMs`. The failure names what was awaited and the last observed state, so a
 * stuck run says where it stuck instead of only that it timed out.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; state: unknown }>,
  options: WaitOptions,
): Promise<T> {
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  const maxProbes = Math.ceil(options.timeoutMs / intervalMs) + 1;
  let last: unknown;
  for (let probes = 0; probes < maxProbes; probes += 1) {
    const result = await probe();
    if (result.done) return result.value;
    last = result.state;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  throw new Error(
    `timed out after ${String(options.timeoutMs)} ms waiting for ${description}; last state: ${JSON.stringify(last)}` +
      (options.context ? `\n${options.context()}` : ''),
  );
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
