import type { Response } from 'express';
import { sendProblem } from '../platform/http/problem-details.js';
import { MastercomError } from './mastercom-error.js';

/**
 * How a failed Mastercom call reaches an operator: 504 when Mastercom may have acted without
 * saying so (check before trying again), 502 when it refused or kept failing. The detail carries
 * Mastercom's reason code and our request id, which Mastercard support asks for.
 */
export function sendMastercomFailure(res: Response, error: unknown): void {
  if (!(error instanceof MastercomError)) throw error;
  const reference = `request id ${error.requestId}${error.correlationId ? `, correlation id ${error.correlationId}` : ''}`;
  if (error.outcomeUnknown) {
    sendProblem(
      res,
      504,
      'Mastercom outcome unknown',
      `Mastercom did not answer ${error.operation} and it could not be checked whether it was carried out; look in Mastercom before trying again (${reference})`,
    );
    return;
  }
  const description = error.errors
    .map((item) => `${item.reasonCode}${item.description ? `: ${item.description}` : ''}`)
    .join('; ');
  sendProblem(
    res,
    502,
    'Mastercom refused the request',
    `Mastercom ${error.operation} failed with ${error.status === undefined ? error.kind : `HTTP ${String(error.status)}`} ${description || error.reasonCode} (${reference}); ${error.recoverable ? 'it may succeed later' : 'it will not succeed as sent'}`,
  );
}

export function sendMastercomNotConfigured(res: Response): void {
  res.set('Retry-After', '60');
  sendProblem(
    res,
    503,
    'Mastercom not configured',
    'MASTERCOM_URL and the Mastercard signing key are not configured on this instance',
  );
}
