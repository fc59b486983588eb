import { problemTypeForStatus } from '@mastercom/contracts';
import type { Response } from 'express';
import { maskCardNumbersInText } from '../security/card-masking.js';

/** The answer to an error no route handled: the details stay in the log, under the request id. */
export const INTERNAL_ERROR = {
  title: 'Internal error',
  detail: 'the request failed; see the service log for its request id',
} as const;

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Errors of the service's own API as RFC 9457 problem details, typed by status with the stable
 * URIs of the contracts (`PROBLEM_TYPES`). The webhook answers Ethoca in Ethoca's own error
 * envelope instead; this is for operators and agents.
 */
export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  errors?: FieldProblem[],
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json(problemDocument(status, title, detail, res.req.originalUrl, errors));
}

/** The problem details document itself, for answers sent without Express. */
export function problemDocument(
  status: number,
  title: string,
  detail: string,
  instance: string,
  errors?: FieldProblem[],
): Record<string, unknown> {
  return {
    type: problemTypeForStatus(status),
    title,
    status,
    // A detail may carry what a caller or Mastercom sent (an id, a reason); no card number in
    // it leaves the service.
    detail: maskCardNumbersInText(detail),
    instance: maskCardNumbersInText(instance),
    ...(errors && errors.length > 0
      ? {
          errors: errors.map((error) => ({
            field: maskCardNumbersInText(error.field),
            message: maskCardNumbersInText(error.message),
          })),
        }
      : {}),
  };
}
