import type { ErrorRequestHandler } from 'express';
import { isTransientDatabaseError } from '../database/database-errors.js';
import { sendProblem } from './problem-details.js';

/**
 * The app's last error handler, for every route the webhook included: a body parser's client
 * error as a 4xx in words of our own, a database that is away as a 503, anything else logged with
 * the request and answered 500 (or the connection cut when the answer had already begun).
 */
export const lastResort: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  // Body parsers report a client's mistake (too large, aborted, a bad encoding) as an exposable
  // 4xx. Their messages may quote what was sent (an encoding name, bytes of the body), so the
  // answer says what kind of mistake it was in words of our own.
  const clientError = error as { status?: unknown; expose?: unknown; type?: unknown };
  if (
    typeof clientError.status === 'number' &&
    clientError.status >= 400 &&
    clientError.status < 500 &&
    clientError.expose === true
  ) {
    sendProblem(
      res,
      clientError.status,
      clientError.status === 413 ? 'Payload too large' : 'Bad request',
      bodyErrorDetail(clientError.type),
    );
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isTransientDatabaseError(error)) {
    res.set('Retry-After', '5');
    sendProblem(res, 503, 'Service unavailable', 'the database is unavailable; try again shortly');
    return;
  }
  sendProblem(
    res,
    500,
    'Internal error',
    'the request failed; see the service log for its request id',
  );
};

/** What a body-parser error type means, without the parser's message. */
function bodyErrorDetail(type: unknown): string {
  switch (type) {
    case 'entity.too.large':
      return 'body: larger than this route accepts';
    case 'encoding.unsupported':
      return 'content-encoding: not supported; send gzip, deflate, br or identity';
    case 'charset.unsupported':
      return 'content-type: charset not supported; send UTF-8';
    case 'request.aborted':
      return 'body: the request was aborted while it was read';
    case 'request.size.invalid':
      return 'body: shorter or longer than its Content-Length';
    default:
      return 'body: could not be read';
  }
}
