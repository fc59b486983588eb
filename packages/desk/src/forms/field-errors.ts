/** Field path (`refund.amount.value`) → messages, as the API's `errors[]` and zod name fields. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** Whether an error's field is the input at `path` or something inside it (`x.y`, `x[0]`). */
function belongsTo(field: string, path: string): boolean {
  return field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);
}

/** The messages for one input. */
export function errorsAt(errors: FieldErrors, path: string): string[] {
  return Object.entries(errors)
    .filter(([field]) => belongsTo(field, path))
    .flatMap(([, messages]) => messages);
}

/** Messages that belong to none of the form's inputs, for the summary above the form. */
export function errorsElsewhere(
  errors: FieldErrors,
  paths: readonly string[],
): { field: string; message: string }[] {
  return Object.entries(errors)
    .filter(([field]) => !paths.some((path) => belongsTo(field, path)))
    .flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
}

/** A decimal amount as an agent types it (`25`, `25.5`, `25.50`), or undefined. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  // eslint-disable-next-line security/detect-unsafe-regex -- no nested repetition; matching is linear
  if (!/^\d{1,12}(?:\.\d{1,3})?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}
