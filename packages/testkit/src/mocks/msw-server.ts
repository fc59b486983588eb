/**
 * msw for in-process tests with the one policy every suite needs. msw intercepts every outgoing
 * request in the process, including supertest's requests to the app under test and the service's
 * own loopback traffic (its database health checks over HTTP, a local mock server). Those must pass
 * through untouched. Any other request without a handler is a test that would reach the internet,
 * or a handler someone forgot, so it fails instead of leaving the machine.
 */
import { isIPv4 } from 'node:net';
import type { AnyHandler, UnhandledFrameHandle } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';

/** True for `localhost` names and loopback addresses (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (host.startsWith('::ffff:')) {
    const mapped = host.slice('::ffff:'.length);
    return isIPv4(mapped)
      ? mapped.startsWith('127.')
      : /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(mapped);
  }
  return false;
}

function frameRequest(frame: { protocol: string; data: unknown }): Request | undefined {
  if (frame.protocol !== 'http') return undefined;
  const data = frame.data as { request?: unknown };
  return data.request instanceof Request ? data.request : undefined;
}

/**
 * The unhandled-request policy: loopback passes through, anything else fails the request with an
 * error that names it. Returning lets msw perform the request; throwing makes it fail.
 */
export const passLoopbackFailOthers: UnhandledFrameHandle = ({ frame }) => {
  const request = frameRequest(frame);
  if (request !== undefined && isLoopbackHost(new URL(request.url).hostname)) return;
  const what =
    request === undefined ? `a ${frame.protocol} connection` : `${request.method} ${request.url}`;
  throw new Error(
    `msw: no handler for ${what}; tests may reach loopback addresses and mocked hosts only`,
  );
};

/**
 * `setupServer(...handlers)` whose `listen()` applies `passLoopbackFailOthers` unless the caller
 * passes another `onUnhandledFrame`.
 */
export function createMswServer(handlers: readonly AnyHandler[] = []): SetupServer {
  const server = setupServer(...handlers);
  const listen = server.listen.bind(server);
  server.listen = (options) => {
    listen({ onUnhandledFrame: passLoopbackFailOthers, ...options });
  };
  return server;
}

/** `createMswServer(handlers)`, already listening; call `close()` when the suite ends. */
export function startMsw(handlers: readonly AnyHandler[] = []): SetupServer {
  const server = createMswServer(handlers);
  server.listen();
  return server;
}
