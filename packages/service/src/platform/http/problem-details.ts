import { problemTypeForStatus } from '@mastercom/contracts';
import type { Response } from 'express';
import { maskCardNumbersInText } from '../security/card-masking.js';

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
    .json({
      type: problemTypeForStatus(status),
      title,
      status,
      // A detail may carry what a caller or Mastercom sent (an id, a reason); no card number in
      // it leaves the service.
      detail: maskCardNumbersInText(detail),
      instance: maskCardNumbersInText(res.req.originalUrl),
      ...(errors && errors.length > 0
        ? {
            errors: errors.map((error) => ({
              field: maskCardNumbersInText(error.field),
              message: maskCardNumbersInText(error.message),
            })),
          }
        : {}),
    });
}
