import {
  createServer as createPlainServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import type { Socket } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { httpsServerOptions } from '../alerts/authentication/index.js';

export interface HttpServerOptions {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** When set, the service terminates TLS itself (and may verify Ethoca's client certificate). */
  tls?: { cert: string; key: string; clientCa?: string | undefined } | undefined;
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
      : createHttpsServer(
          tls.clientCa === undefined
            ? { ...timing, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }
            : {
                ...timing,
                ...httpsServerOptions({
                  certPem: tls.cert,
                  keyPem: tls.key,
                  caBundlePem: tls.clientCa,
                }),
              },
          listener,
        );
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
 * whatever is left. Resolves true when everything finished within the grace period.
 */
export async function drainServer(server: Server, graceMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection that finishes its request during the drain becomes idle and would
  // hold the server open; sweep those until the server has closed.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const finished = await Promise.race([closed.then(() => true as const), expired]);
  clearTimeout(timer);
  clearInterval(sweep);
  if (!finished) {
    server.closeAllConnections();
    await closed;
  }
  return finished;
}
