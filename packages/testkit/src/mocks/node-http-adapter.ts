import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { MockHttpHandler, MockHttpReply } from './mock-http.js';

export interface MockHttpServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServeMockHttpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Serves a mock handler over real HTTP on loopback, for suites that run the service as a child
 * process, the development simulators and Compose.
 */
export async function serveMockHttp(
  handler: MockHttpHandler,
  options: ServeMockHttpOptions = {},
): Promise<MockHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const timers = new Set<NodeJS.Timeout>();

  function send(request: IncomingMessage, response: ServerResponse, reply: MockHttpReply): void {
    if ('reset' in reply) {
      request.socket.resetAndDestroy();
      return;
    }
    if ('delayMs' in reply) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(request, response, reply.then);
      }, reply.delayMs);
      timers.add(timer);
      return;
    }
    response.writeHead(reply.status, reply.headers).end(reply.body);
  }

  const server = createServer((request, response) => {
    readBody(request).then(
      (rawBody) => {
        // The client signed the URL it used, so the URL is rebuilt from the Host header it sent.
        const authority = request.headers.host ?? `${host}:${String(port)}`;
        const url = `http://${authority}${request.url ?? '/'}`;
        send(
          request,
          response,
          handler({
            method: request.method ?? 'GET',
            url,
            headers: headerRecord(request),
            rawBody,
          }),
        );
      },
      () => request.socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('mock server has no TCP address');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${String(port)}`,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
