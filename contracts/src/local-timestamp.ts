import * as z from 'zod';

/**
 * Ethoca writes `alertTimestamp` and `transactionTimestamp` in the member's own time zone with no
 * offset: `YYYY-MM-DDThh:mm:ss` with optional milliseconds. We cannot know the offset, so we never
 * invent one: the raw string is kept as received and the parsed value is a wall-clock reading, not
 * an instant.
 */
// eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
const LOCAL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/** Normalised wall-clock form: always three fraction digits, still no offset. */
const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

export interface LocalTimestamp {
  /** Exactly what Ethoca sent. */
  raw: string;
  /** The same reading normalised to `YYYY-MM-DDThh:mm:ss.sss`, without an offset. */
  wallClock: string;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses an offset-less local timestamp; undefined when the format or the calendar date is wrong. */
export function parseLocalTimestamp(raw: string): LocalTimestamp | undefined {
  const match = LOCAL_TIMESTAMP.exec(raw);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const millis = (ms ?? '').padEnd(3, '0');
  return { raw, wallClock: `${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}` };
}

export const localTimestampSchema = z
  .string()
  .regex(LOCAL_TIMESTAMP, {
    message: 'must be YYYY-MM-DDThh:mm:ss(.sss) in local time without an offset',
    abort: true,
  })
  .refine((raw) => parseLocalTimestamp(raw) !== undefined, 'is not a real calendar date and time')
  .meta({
    description: 'Member-local wall-clock time without an offset, as Ethoca sends it',
    examples: ['2026-03-04T09:12:44.120'],
  });

/** How the service's API returns one of these timestamps: the raw string and its wall-clock reading. */
export const localTimestampValueSchema = z
  .object({
    raw: z.string(),
    wallClock: z.string().regex(WALL_CLOCK, 'must be YYYY-MM-DDThh:mm:ss.sss without an offset'),
  })
  .meta({
    id: 'LocalTimestamp',
    description:
      'A member-local timestamp: the string as received and its normalised wall-clock reading',
  });
