import {
  createServer as createPlainServer,
  ServerResponse,
  type IncomingMessage,
  type RequestListener,
  type Server,
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
  const drain: DrainState = { draining: false };
  const settings = {
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(1000, Math.floor(options.headersTimeoutMs / 10)),
    ),
    ServerResponse: responseClosingOnDrain(drain),
  };
  const server =
    tls === undefined
      ? createPlainServer(settings, listener)
      : createHttpsServer({ ...settings, ...tls }, listener);
  drainStates.set(server, drain);
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
  return server;
}

/** Whether a server's drain has begun; its responses read it as they send their headers. */
interface DrainState {
  draining: boolean;
}
const drainStates = new WeakMap<Server, DrainState>();

/**
 * The server's response class (Node's `ServerResponse` option,
 * https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener): once a drain has
 * begun, every response that has not sent its headers yet, those already under way included,
 * says `Connection: close`. Node sends headers through `writeHead`, implicitly too.
 *
 * It replaces a set of open responses, added to and deleted from on every request. That set lived
 * in the old generation, and the young responses written into it outlived their requests until the
 * next full collection: a bare Express route with only that set promoted 17-18 % of what it
 * allocated, against 0.2 % without it (decision 0004).
 */
function responseClosingOnDrain(drain: DrainState): typeof ServerResponse {
  return class ResponseClosingOnDrain<
    Request extends IncomingMessage = IncomingMessage,
  > extends ServerResponse<Request> {
    override writeHead(statusCode: number, ...rest: unknown[]): this {
      if (drain.draining && !this.headersSent) this.setHeader('connection', 'close');
      return (super.writeHead as (statusCode: number, ...rest: unknown[]) => this)(
        statusCode,
        ...rest,
      );
    }
  };
}

/**
 * Starts ending every connection after its next answer. A server not made by createHttpServer
 * has no response class that reads the drain, so only its answers to requests still to come are
 * marked.
 */
function closeConnectionsAfterTheirAnswers(server: Server): void {
  const drain = drainStates.get(server);
  if (drain !== undefined) {
    drain.draining = true;
    return;
  }
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  });
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
