/**
 * Renders a zod issue path the way our error bodies name fields: `amount.currencyCode`,
 * `outcomes[3].alertId`. Every rejection we send names its field with this one function, so the
 * Ethoca envelope, RFC 9457 problem details and the invalid-example catalogue all agree.
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
    } else {
      const name = typeof key === 'symbol' ? (key.description ?? 'symbol') : key;
      out += out === '' ? name : `.${name}`;
    }
  }
  // A root-level issue still has to name something a caller can find: the body itself.
  return out === '' ? 'body' : out;
}
