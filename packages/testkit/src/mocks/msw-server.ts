/**
 * msw for in-process tests with the one policy every suite needs. msw intercepts every outgoing
 * request in the process, including supertest's requests to the app under test and the service's
 * own loopback traffic (its database health checks over HTTP, a local mock server). Those must pass
 * through untouched. Any other request without a handler is a test that would reach the internet,
 * or a handler someone forgot, so it fails instead of leaving the machine.
 */
import { isIPv4 } from 'node:net';
import { HttpResponse, type AnyHandler, type UnhandledFrameHandle } from 'msw';
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

export interface MswServer extends SetupServer {
  /** `METHOD url` of every request that was failed for having no handler, in order. */
  readonly unhandledRequests: readonly string[];
  /** Throws when any request was failed for having no handler since the last call. */
  assertNoUnhandledRequests(): void;
}

/**
 * The unhandled-request policy: loopback passes through; anything else is failed as a network
 * error (what `HttpResponse.error()` produces), reported on stderr and passed to `onFailed`.
 * A network error rather than msw's default 500 answer, because a client with retries would take
 * a 500 as the remote service's answer and the test would go on against a response nobody wrote.
 */
export function passLoopbackFailOthers(
  onFailed: (description: string) => void = () => undefined,
): UnhandledFrameHandle {
  return ({ frame }) => {
    const request = frameRequest(frame);
    if (request !== undefined && isLoopbackHost(new URL(request.url).hostname)) return;
    const description =
      request === undefined ? `a ${frame.protocol} connection` : `${request.method} ${request.url}`;
    onFailed(description);
    console.error(
      `msw: no handler for ${description}; tests may reach loopback addresses and mocked hosts only`,
    );
    // msw answers a thrown Response with that response; `HttpResponse.error()` is a network error.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw HttpResponse.error();
  };
}

/**
 * `setupServer(...handlers)` whose `listen()` applies `passLoopbackFailOthers` unless the caller
 * passes another `onUnhandledFrame`, and which remembers the requests it failed.
 */
export function createMswServer(handlers: readonly AnyHandler[] = []): MswServer {
  const server = setupServer(...handlers);
  const unhandledRequests: string[] = [];
  const listen = server.listen.bind(server);
  server.listen = (options) => {
    listen({
      onUnhandledFrame: passLoopbackFailOthers((description) =>
        unhandledRequests.push(description),
      ),
      ...options,
    });
  };
  return Object.assign(server, {
    unhandledRequests,
    assertNoUnhandledRequests() {
      if (unhandledRequests.length === 0) return;
      const failed = unhandledRequests.splice(0);
      throw new Error(
        `msw failed ${String(failed.length)} request(s) without a handler: ${failed.join(', ')}`,
      );
    },
  });
}

/** `createMswServer(handlers)`, already listening; call `close()` when the suite ends. */
export function startMsw(handlers: readonly AnyHandler[] = []): MswServer {
  const server = createMswServer(handlers);
  server.listen();
  return server;
}
