import {
  createServer as createPlainServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import {
  createServer as createHttpsServer,
  type ServerOptions as TlsServerOptions,
} from 'node:https';
import { waitForAcceptQueue } from './accept-queue.js';

export interface HttpServerOptions {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /**
   * When set, the service terminates TLS itself with these options; the caller decides what
   * they ask of clients (the webhook's mTLS options come from `alerts/authentication`).
   */
  tls?: TlsServerOptions | undefined;
}

export function createHttpServer(listener: RequestListener, options: HttpServerOptions): Server {
  const tls = options.tls;
  // Node enforces headersTimeout and requestTimeout only when it sweeps its connections, every
  // 30 s by default, so a slow-header socket could live for headersTimeout + 30 s. Sweeping at a
  // tenth of the headers timeout (between 100 ms and 1 s) closes it within about 1.1 times the
  // configured timeout; a sweep only walks the open connections, which is cheap.
  const timing = {
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(1000, Math.floor(options.headersTimeoutMs / 10)),
    ),
  };
  const server =
    tls === undefined
      ? createPlainServer(timing, listener)
      : createHttpsServer({ ...timing, ...tls }, listener);
  // Slow-header (slowloris) sockets are cut after headersTimeout; whole requests after
  // requestTimeout, which stays inside Ethoca's 30 s acknowledgement budget.
  server.headersTimeout = options.headersTimeoutMs;
  closeSlowFirstHeaders(
    server,
    options.headersTimeoutMs,
    tls === undefined ? 'connection' : 'secureConnection',
  );
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  trackOpenResponses(server);
  return server;
}

/**
 * Per server, the responses not finished yet and whether a drain has begun: once it has, every
 * response still to be sent, those already under way included, says `Connection: close`.
 */
interface ResponseTracking {
  readonly open: Set<ServerResponse>;
  draining: boolean;
}
const responseTracking = new WeakMap<Server, ResponseTracking>();

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}

function trackOpenResponses(server: Server): ResponseTracking {
  const tracking: ResponseTracking = { open: new Set(), draining: false };
  responseTracking.set(server, tracking);
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (tracking.draining) closeAfter(response);
    tracking.open.add(response);
    response.once('close', () => tracking.open.delete(response));
  });
  return tracking;
}

/**
 * Starts ending every connection after its next answer. A server not made by createHttpServer
 * is tracked from now on, so only its answers still to come are marked.
 */
function closeConnectionsAfterTheirAnswers(server: Server): void {
  const tracking = responseTracking.get(server) ?? trackOpenResponses(server);
  tracking.draining = true;
  for (const response of tracking.open) closeAfter(response);
}

/**
 * Node checks headersTimeout on its periodic sweep, and with many connections open it closes
 * slow-header sockets about a second late whatever the sweep interval (measured on Node 24: 100
 * sockets at a 2 s headers timeout were all closed after 3 s, one socket after 2 s). A timer per
 * new connection, cleared when its first request's headers are complete, closes a connection that
 * has not sent them within the timeout, on time. Later requests on a kept-alive connection are
 * left to Node's own checks and keepAliveTimeout.
 */
function closeSlowFirstHeaders(server: Server, timeoutMs: number, event: string): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  server.on(event, (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    timers.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (req: IncomingMessage) => {
    clearTimeout(timers.get(req.socket));
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then closes
 * whatever is left. Resolves true when everything finished within the grace period. Why it waits
 * for the accept queue and ends connections after their answers instead of `server.close()`:
 * docs/decisions/0002-sigterm-drains-the-accept-queue-before-closing.md.
 */
export async function drainServer(server: Server, graceMs: number): Promise<boolean> {
  const started = performance.now();
  closeConnectionsAfterTheirAnswers(server);
  // The listener stays open until the kernel's accept queue is empty, for at most half the grace.
  const address = server.address();
  if (address !== null && typeof address === 'object') {
    await waitForAcceptQueue(address.port, { maxWaitMs: graceMs / 2 });
  }
  const closed = new Promise<void>((resolve) => {
    NetServer.prototype.close.call(server, () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, graceMs - (performance.now() - started)));
  });
  const finished = await Promise.race([closed.then(() => true as const), expired]);
  clearTimeout(timer);
  if (!finished) {
    server.closeAllConnections();
    await closed;
  }
  return finished;
}
