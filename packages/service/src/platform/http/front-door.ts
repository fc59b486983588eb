import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import { logRequest, type AccessLogOptions } from './access-log.js';
import { maskUrl } from './mask-request-url.js';
import { problemDocument } from './problem-details.js';
import type { HeaderEntry } from './security-headers.js';
import { sendJson } from './send-json.js';

/** A route served before Express: every method on `path`, which the handler answers itself. */
export interface DirectRoute {
  path: string;
  /** The methods it serves (anything else it answers 405), for the route table. */
  methods: readonly string[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface FrontDoorOptions {
  routes: readonly DirectRoute[];
  /** Everything else: the Express app. */
  fallback: RequestListener;
  /** What every Express route sends too (helmet's headers). */
  headers: readonly HeaderEntry[];
  logger: Logger;
  accessLog?: AccessLogOptions;
}

/**
 * The service's request listener. The route that carries the traffic (the webhook) is served
 * before Express, with what the app's middleware gives every route: helmet's headers, the card
 * numbers of the URL masked, the request id and the access log. Express's router, middleware
 * stack and response helpers cost about as much CPU per request as everything the webhook does
 * after them (decision 0004); the rest of the API is not hot and stays on Express.
 */
export function frontDoor(options: FrontDoorOptions): RequestListener {
  const { routes, fallback, headers, logger } = options;
  const accessLog = options.accessLog ?? {};
  return (req, res) => {
    const url = req.url ?? '/';
    const route = routes.find((candidate) => matchesPath(url, candidate.path));
    if (route === undefined) {
      fallback(req, res);
      return;
    }
    // Only a query can hold a card number here: the path is the route's own.
    const shown = url.includes('?') ? maskUrl(url) : url;
    req.url = shown;
    for (const [name, value] of headers) res.setHeader(name, value);
    logRequest(logger, accessLog, req, res, shown);
    try {
      route.handle(req, res);
    } catch (error) {
      answerUnhandled(req, res, error);
    }
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
    problemDocument(
      500,
      'Internal error',
      'the request failed; see the service log for its request id',
      req.url ?? '/',
    ),
    'application/problem+json; charset=utf-8',
  );
}

/**
 * Whether a request URL names `path` as Express's router would match it by default: the path
 * without its query, case-insensitive, with or without one trailing slash
 * (https://expressjs.com/en/5x/api.html#app.settings.table, `case sensitive routing` and
 * `strict routing` both off). `path` is given in lower case.
 */
export function matchesPath(url: string, path: string): boolean {
  if (url === path) return true;
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  const length = pathname.endsWith('/') ? pathname.length - 1 : pathname.length;
  return length === path.length && pathname.slice(0, length).toLowerCase() === path;
}
