/**
 * Errors from the service's own API are RFC 9457 problem details (`application/problem+json`).
 * Validation failures add `errors[]`, one entry per field, so every rejection names its field.
 */
import * as z from 'zod';
import { formatFieldPath } from './field-path.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Problem `type` URIs the service uses; `about:blank` means "the status code says it all" (RFC
 * 9457 section 4.2.1). They are stable: a client may branch on them, titles may change.
 */
export const PROBLEM_TYPES = {
  blank: 'about:blank',
  validation: 'urn:mastercom-service:problem:validation',
  notFound: 'urn:mastercom-service:problem:not-found',
  conflict: 'urn:mastercom-service:problem:conflict',
  unauthorized: 'urn:mastercom-service:problem:unauthorized',
  forbidden: 'urn:mastercom-service:problem:forbidden',
  unavailable: 'urn:mastercom-service:problem:unavailable',
} as const;
export type ProblemType = (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];

/** The problem type of an answer with this status: one of PROBLEM_TYPES, never made up. */
export function problemTypeForStatus(status: number): ProblemType {
  switch (status) {
    case 400:
      return PROBLEM_TYPES.validation;
    case 401:
      return PROBLEM_TYPES.unauthorized;
    case 403:
      return PROBLEM_TYPES.forbidden;
    case 404:
      return PROBLEM_TYPES.notFound;
    case 409:
      return PROBLEM_TYPES.conflict;
    case 503:
      return PROBLEM_TYPES.unavailable;
    default:
      return PROBLEM_TYPES.blank;
  }
}

export const problemFieldErrorSchema = z
  .object({
    field: z.string().meta({ examples: ['refund.amount.currencyCode'] }),
    message: z.string(),
  })
  .meta({ id: 'ProblemFieldError' });
export type ProblemFieldError = z.infer<typeof problemFieldErrorSchema>;

export const problemDetailsSchema = z
  .object({
    type: z.string().min(1).default('about:blank'),
    title: z.string().min(1),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(problemFieldErrorSchema).optional(),
  })
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details' });
export type ProblemDetails = z.infer<typeof problemDetailsSchema>;

export function problemDetails(problem: ProblemDetails): ProblemDetails {
  return problemDetailsSchema.parse(problem);
}

/** The field errors of a zod failure, named the same way as in the Ethoca envelope. */
export function problemFieldErrors(error: z.ZodError): ProblemFieldError[] {
  return error.issues.map((issue) => ({
    field: formatFieldPath(issue.path),
    message: issue.message,
  }));
}

/** A 400 validation problem for a rejected request. */
export function validationProblem(error: z.ZodError, instance?: string): ProblemDetails {
  const errors = problemFieldErrors(error);
  return {
    type: PROBLEM_TYPES.validation,
    title: 'Request validation failed',
    status: 400,
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    ...(instance === undefined ? {} : { instance }),
    errors,
  };
}
