import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findCardNumbers } from '@mastercom/contracts';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps a caller's `x-request-id` when it is a sane token (so one id follows a request through the
 * ingress and our logs), otherwise makes one; either way the id is echoed in the response.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  // An id holding a card number would be logged and echoed: a fresh one is made instead.
  const id =
    typeof given === 'string' && ACCEPTABLE.test(given) && findCardNumbers(given).length === 0
      ? given
      : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
