/**
 * Checks for JSON that parses but that PostgreSQL cannot store. Without them a single hostile or
 * broken alert made the whole delivery's transaction fail with a 500, taking the valid alerts
 * next to it down too.
 */

/** An Ethoca delivery is four levels deep; anything far deeper is not an alert. */
export const MAX_DELIVERY_DEPTH = 32;

/** True when `value` nests objects or arrays more than `limit` levels deep; never recurses. */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return false;
}

/**
 * The path of the first key or string value that `text` and `jsonb` columns refuse: one holding a
 * NUL character or an unpaired UTF-16 surrogate. Undefined when everything can be stored.
 */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, inner] of value.entries()) {
      const found = findUnstorableText(inner, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (!storable(key)) return [...path, key];
      const found = findUnstorableText(inner, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function storable(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}
