// Podman runs a container's health check from a systemd timer. Where there is no systemd, as on
// CI's machines, nothing ever runs it: the container stays `starting`, and Compose, which starts a
// service only when its dependencies are healthy, waits forever. This timer stands in for
// systemd's: it runs each health check of the chosen containers at the check's own interval with
// `podman healthcheck run`, which records the result (start period and retries included) exactly
// as a timer-driven check would. On Docker it is never started: the engine runs its own.
import { setTimeout as sleep } from 'node:timers/promises';
import { tryCommand } from '../process/run-command.js';

/** Docker's default health-check interval, which podman uses too when a check names none. */
const defaultIntervalMs = 30_000;

export interface HealthCheckTimer {
  stop(): Promise<void>;
}

/** Inspect's `Config.Healthcheck.Interval` is in nanoseconds; 0 or absent means the default. */
export function healthCheckIntervalMs(intervalNs: number | undefined): number {
  return intervalNs === undefined || intervalNs <= 0 ? defaultIntervalMs : intervalNs / 1_000_000;
}

/**
 * Which checks are due: a container seen for the first time is checked at once, then every
 * interval after its previous check.
 */
export function dueChecks(
  intervals: ReadonlyMap<string, number>,
  lastRun: ReadonlyMap<string, number>,
  now: number,
): string[] {
  return [...intervals]
    .filter(([id, interval]) => now - (lastRun.get(id) ?? -Infinity) >= interval)
    .map(([id]) => id);
}

/** Runs the health checks of the running containers that carry `label` until stopped. */
export function startHealthCheckTimer(label: string): HealthCheckTimer {
  const controller = new AbortController();
  const lastRun = new Map<string, number>();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      const intervals = await checkedContainers(label);
      const due = dueChecks(intervals, lastRun, Date.now());
      await Promise.all(
        due.map(async (id) => {
          lastRun.set(id, Date.now());
          await tryCommand('podman', ['healthcheck', 'run', id]);
        }),
      );
      await sleep(1_000, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

/** The running containers with `label` that have a health check, and each one's interval. */
async function checkedContainers(label: string): Promise<Map<string, number>> {
  const listed = await tryCommand('podman', [
    'ps',
    '--quiet',
    '--no-trunc',
    '--filter',
    `label=${label}`,
  ]);
  const ids = listed.stdout.split('\n').filter(Boolean);
  const intervals = new Map<string, number>();
  if (ids.length === 0) return intervals;
  const inspected = await tryCommand('podman', ['inspect', ...ids]);
  if (inspected.status !== 0) return intervals;
  const containers = JSON.parse(inspected.stdout) as {
    Id: string;
    Config?: { Healthcheck?: { Test?: string[]; Interval?: number } };
  }[];
  for (const container of containers) {
    const check = container.Config?.Healthcheck;
    if (check?.Test === undefined || check.Test.length === 0 || check.Test[0] === 'NONE') continue;
    intervals.set(container.Id, healthCheckIntervalMs(check.Interval));
  }
  return intervals;
}
