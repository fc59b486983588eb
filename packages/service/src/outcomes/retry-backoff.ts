/**
 * Capped exponential backoff with full jitter (a random delay between 0 and the capped
 * exponential step), so that many alerts failing together do not retry together. A server's
 * Retry-After is a floor: we never come back sooner than it asked.
 */
export function retryDelayMs(
  attempts: number,
  options: { baseMs: number; capMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempts, 30));
  return Math.max(options.retryAfterMs ?? 0, Math.floor(random() * ceiling));
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
