import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { requestLogging, type AccessLogOptions } from './access-log.js';
import { maskUrl } from './mask-request-url.js';
import type { SecurityHeaders } from './security-headers.js';

/**
 * A route that answers every method on `path` itself, on Node's own request and response. An
 * error it cannot answer goes to `next`, Express's, and so to the app's last-resort handler, as a
 * throw does: Express 5 passes a route's synchronous throw to the error handlers too
 * (https://expressjs.com/en/guide/error-handling.html, "Catching Errors").
 */
export interface DirectRoute {
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse, next: (error: unknown) => void) => void;
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
  const logRequest = requestLogging(options.logger, options.accessLog ?? {});
  return {
    path: route.path,
    handle: (req, res, next) => {
      const url = req.url ?? '/';
      // Only a query can hold a card number here: the path is the route's own.
      const shown = url.includes('?') ? maskUrl(url) : url;
      req.url = shown;
      for (const name of options.headers.remove) res.removeHeader(name);
      for (const [name, value] of options.headers.set) res.setHeader(name, value);
      logRequest(req, res, shown);
      route.handle(req, res, next);
    },
  };
}
