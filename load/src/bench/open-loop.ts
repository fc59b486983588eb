import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { postOnce, POST_TIMED_OUT } from '@mastercom/testkit';
import type { LoadRun, Progress } from './load-run.js';

export interface OpenLoopOptions {
  url: string;
  path: string;
  ratePerSecond: number;
  durationSeconds: number;
  /** Sockets the sender may open; a request that finds them all busy waits for one. */
  maxConnections: number;
  timeoutMs: number;
}

/** One request of the run, built when it falls due. */
export interface OpenLoopRequest {
  body: string;
  headers: Record<string, string>;
  onResponse: (status: number, body: string) => void;
}

/**
 * An open model: request i is due at start + i / rate, whatever happened to the requests before
 * it, and its latency counts from when it was due (no coordinated omission). Why not autocannon's
 * rate option: docs/decisions/0003-bench-uses-an-open-loop-sender-for-fixed-rates.md.
 *
 * The run is bounded: `rate x duration` requests, each with a timeout, and a hard stop
 * `timeoutMs` after the last one is due.
 */
export async function runOpenLoop(
  options: OpenLoopOptions,
  next: () => OpenLoopRequest,
  label: string,
  progress: Progress,
): Promise<LoadRun> {
  const target = new URL(options.path, options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxConnections });
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const latencies: number[] = [];
  const counts = { responses2xx: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const pending = new Set<Promise<void>>();
  // Once the run's bound has passed, late answers are neither counted nor recorded, so the counts
  // and what the traffic recorded describe the same requests; what is still open counts as timed
  // out (a request can wait for a socket longer than its own timeout, which starts on the socket).
  let finished = false;

  const send = async (dueAt: number): Promise<void> => {
    const planned = next();
    try {
      const answer = await postOnce({
        agent,
        url: target,
        headers: planned.headers,
        body: planned.body,
        timeoutMs: options.timeoutMs,
      });
      if (finished) return;
      latencies.push(performance.now() - dueAt);
      if (answer.status >= 200 && answer.status < 300) counts.responses2xx += 1;
      else counts.non2xx += 1;
      planned.onResponse(answer.status, answer.body);
    } catch (error) {
      if (finished) return;
      if ((error as { code?: unknown }).code === POST_TIMED_OUT) counts.timeouts += 1;
      else counts.errors += 1;
    }
  };

  const started = performance.now();
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    progress(
      `  ${label}: ${Math.min(elapsed, options.durationSeconds).toFixed(0)} s / ${options.durationSeconds} s, ${latencies.length.toLocaleString('en')} responses`,
    );
  }, 1000);
  let sendingSeconds = options.durationSeconds;
  try {
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
        while (sent < due) {
          const running = send(started + sent * intervalMs).finally(() => pending.delete(running));
          pending.add(running);
          sent += 1;
        }
        if (sent >= total) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
      };
      tick();
    });
    const lastDue = performance.now();
    sendingSeconds = (lastDue - started) / 1000;
    while (pending.size > 0 && performance.now() - lastDue < options.timeoutMs + 1000) {
      await Promise.race([Promise.all([...pending]), sleep(250)]);
    }
    finished = true;
    counts.timeouts += pending.size;
  } finally {
    clearInterval(ticker);
    agent.destroy();
  }
  return {
    result: {
      // The arrival rate achieved is the requests over the time it took to send them.
      duration: sendingSeconds,
      requests: { total },
      '2xx': counts.responses2xx,
      non2xx: counts.non2xx,
      errors: counts.errors,
      timeouts: counts.timeouts,
    },
    latencies,
  };
}
