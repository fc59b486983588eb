import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { logRequest, type AccessLogOptions } from './access-log.js';
import { maskUrl } from './mask-request-url.js';
import { INTERNAL_ERROR, problemDocument } from './problem-details.js';
import type { SecurityHeaders } from './security-headers.js';
import { sendJson } from './send-json.js';

/** A route that answers every method on `path` itself, on Node's own request and response. */
export interface DirectRoute {
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface DirectRouteOptions {
  /** What the app's middleware does to every response's headers (helmet's). */
  headers: SecurityHeaders;
  logger: Logger;
  accessLog?: AccessLogOptions;
}

/**
 * The route that carries the traffic (the webhook), mounted as the app's first route: it gives
 * itself what the app's middleware gives every other route (helmet's headers, the card numbers of
 * the URL masked, the request id and the access log) and answers with Node's own response, so a
 * delivery skips the middleware stack and Express's response helpers. It stays an Express route so
 * that Express matches its path and dd-trace records it as an `express.request` span with its
 * route, which the monitors and the deploy checks read (docs/operations/monitors.md).
 */
export function directRoute(route: DirectRoute, options: DirectRouteOptions): DirectRoute {
  const accessLog = options.accessLog ?? {};
  return {
    path: route.path,
    handle: (req, res) => {
      const url = req.url ?? '/';
      // Only a query can hold a card number here: the path is the route's own.
      const shown = url.includes('?') ? maskUrl(url) : url;
      req.url = shown;
      for (const name of options.headers.remove) res.removeHeader(name);
      for (const [name, value] of options.headers.set) res.setHeader(name, value);
      logRequest(options.logger, accessLog, req, res, shown);
      try {
        route.handle(req, res);
      } catch (error) {
        answerUnhandled(req, res, error);
      }
    },
  };
}

/**
 * What the app's last-resort handler does for an error no route handled: log it with the request,
 * then a 500 problem, or cut the connection when the answer had already begun.
 */
export function answerUnhandled(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  req.log.error({ err: error }, 'unhandled error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(
    res,
    500,
    problemDocument(500, INTERNAL_ERROR.title, INTERNAL_ERROR.detail, req.url ?? '/'),
    'application/problem+json; charset=utf-8',
  );
}
