/**
 * Alert ids that are unique across runs, VUs and iterations. Ethoca ids are exactly 25 letters or
 * digits; ours are built from a run tag, the scenario, the iteration and the position in the
 * delivery, so that a rerun against the same staging database never collides with the last run
 * (a collision would be acknowledged as a duplicate and skew the dedupe share).
 */

const ALERT_ID_LENGTH = 25;
const RUN_TAG_LENGTH = 8;
const ITERATION_WIDTH = 13;
const INDEX_WIDTH = 2;

/** A run tag from the clock at setup: base36, upper case, exactly eight characters. */
export function runTag(nowMs: number): string {
  return Math.trunc(nowMs)
    .toString(36)
    .toUpperCase()
    .padStart(RUN_TAG_LENGTH, '0')
    .slice(-RUN_TAG_LENGTH);
}

/** One letter per scenario function, so two scenarios' iteration counters never collide. */
export type TrafficSource = 'W' | 'S' | 'R';

export function alertIdFor(
  tag: string,
  source: TrafficSource,
  iteration: number,
  index: number,
): string {
  if (tag.length !== RUN_TAG_LENGTH)
    throw new Error(`run tag must be ${RUN_TAG_LENGTH} characters`);
  if (!Number.isSafeInteger(iteration) || iteration < 0)
    throw new Error('iteration must be a whole number');
  if (!Number.isInteger(index) || index < 0 || index >= 36 ** INDEX_WIDTH) {
    throw new Error('index out of range');
  }
  const id =
    'K' +
    tag +
    source +
    iteration.toString(36).toUpperCase().padStart(ITERATION_WIDTH, '0') +
    index.toString(36).toUpperCase().padStart(INDEX_WIDTH, '0');
  if (id.length !== ALERT_ID_LENGTH)
    throw new Error(`iteration ${iteration} is too large for an alert id`);
  return id;
}
