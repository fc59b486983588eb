import type { ProblemDetails } from '@mastercom/contracts';

/** An answer the desk could not use, with what the service said about it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** Field path (`refund.amount.value`) → the messages the service gave for it. */
    readonly fieldErrors: Readonly<Record<string, readonly string[]>> = {},
  ) {
    super(`${String(status)} ${title}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

/** Reads an RFC 9457 answer; a body that is not one still yields a problem naming the status. */
export function toApiProblem(status: number, body: unknown): ApiProblem {
  const problem = (
    typeof body === 'object' && body !== null ? body : {}
  ) as Partial<ProblemDetails>;
  const fieldErrors: Record<string, string[]> = {};
  for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
    if (typeof error.field !== 'string' || typeof error.message !== 'string') continue;
    (fieldErrors[error.field] ??= []).push(error.message);
  }
  return new ApiProblem(
    status,
    typeof problem.title === 'string' ? problem.title : `HTTP ${String(status)}`,
    typeof problem.detail === 'string' ? problem.detail : 'the service gave no detail',
    fieldErrors,
  );
}

/** Field errors as the desk's forms keep them, from the API's `errors[]` or from zod. */
export function groupFieldErrors(
  errors: readonly { field: string; message: string }[],
): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const { field, message } of errors) (grouped[field] ??= []).push(message);
  return grouped;
}

/**
 * What a form shows when its request failed: the service's field errors (none when it did not
 * answer) and one sentence that starts with what did not happen.
 */
export function refusalOf(
  error: unknown,
  notDone: string,
): { fieldErrors: Readonly<Record<string, readonly string[]>>; text: string } {
  return error instanceof ApiProblem
    ? { fieldErrors: error.fieldErrors, text: `${notDone}: ${error.detail}` }
    : { fieldErrors: {}, text: `${notDone}; try again.` };
}
