/**
 * Checks for JSON that parses but that PostgreSQL cannot store. Without them a single hostile or
 * broken alert made the whole delivery's transaction fail with a 500, taking the valid alerts
 * next to it down too.
 */

/** An Ethoca delivery is four levels deep; anything far deeper is not an alert. */
export const MAX_DELIVERY_DEPTH = 32;

/**
 * True when `value` nests objects or arrays more than `limit` levels deep; never recurses. Only
 * objects are pushed, on two parallel stacks, so a leaf costs no allocation: every delivery is
 * walked, and the walk was 7 % of the webhook's allocations when it pushed a pair per value.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const objects: object[] = [];
  const depths: number[] = [];
  const visit = (inner: unknown, depth: number) => {
    if (typeof inner === 'object' && inner !== null) {
      objects.push(inner);
      depths.push(depth);
    }
  };
  visit(value, 0);
  for (let current = objects.pop(); current !== undefined; current = objects.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth >= limit) return true;
    if (Array.isArray(current)) {
      for (const inner of current as unknown[]) visit(inner, depth + 1);
      continue;
    }
    for (const key in current) {
      if (Object.hasOwn(current, key)) visit((current as Record<string, unknown>)[key], depth + 1);
    }
  }
  return false;
}

/**
 * The path of the first key or string value that `text` and `jsonb` columns refuse: one holding a
 * NUL character or an unpaired UTF-16 surrogate. Undefined when everything can be stored.
 */
export function findUnstorableText(value: unknown): (string | number)[] | undefined {
  // Almost every alert is storable: a walk that builds no paths says so, and only an alert that
  // is not pays for the walk that names the field.
  return isStorable(value) ? undefined : pathToUnstorable(value, []);
}

/** True when every key and string value of `value` can be stored. */
function isStorable(value: unknown): boolean {
  if (typeof value === 'string') return storable(value);
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(isStorable);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!storable(key) || !isStorable((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function pathToUnstorable(
  value: unknown,
  path: (string | number)[],
): (string | number)[] | undefined {
  if (typeof value === 'string') return storable(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, inner] of value.entries()) {
      const found = pathToUnstorable(inner, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (!storable(key)) return [...path, key];
      const found = pathToUnstorable(inner, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function storable(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}
