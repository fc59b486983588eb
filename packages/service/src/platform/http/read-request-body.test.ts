import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBodyBounded, type RequestBodyError } from './read-request-body.js';
import { sendJson } from './send-json.js';

const LIMIT = 16 * 1024;

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

interface Harness {
  port: number;
  /** What reached the route: the body read, or the error the reader passed on. */
  outcomes: ({ body: Buffer } | { error: Pick<RequestBodyError, 'type' | 'status'> })[];
  /** Each connection the server closed: when, and how many bytes it had read from it. */
  closes: { at: number; bytesRead: number }[];
}

/**
 * The reader in front of a handler that echoes the body's length, on a real loopback server; the
 * error handler answers as the webhook does (413 with `Connection: close`).
 */
async function startServer(): Promise<Harness> {
  const harness: Harness = { port: 0, outcomes: [], closes: [] };
  const server = createServer((req, res) => {
    readBodyBounded(req, LIMIT, (error, body) => {
      if (error === undefined) {
        harness.outcomes.push({ body });
        sendJson(res, 200, { length: body.length });
        return;
      }
      harness.outcomes.push({ error: { type: error.type, status: error.status } });
      if (error.type === 'request.aborted') return;
      if (error.type === 'entity.too.large') res.setHeader('Connection', 'close');
      sendJson(res, error.status, { type: error.type });
    });
  });
  server.on('connection', (socket: Socket) => {
    socket.once('close', () => {
      harness.closes.push({ at: performance.now(), bytesRead: socket.bytesRead });
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  harness.port = (server.address() as AddressInfo).port;
  return harness;
}

/**
 * A raw connection, so the test decides exactly which bytes are sent and when. It stays open for
 * writing after the server ends its side, as a sender still uploading would.
 */
async function openConnection(port: number): Promise<{
  socket: Socket;
  received: () => string;
  /** Resolves when the server ends its side of the connection (FIN). */
  ended: Promise<void>;
  closed: Promise<'closed' | 'reset'>;
}> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  sockets.push(socket);
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
  const closed = new Promise<'closed' | 'reset'>((resolve) => {
    socket.on('error', () => resolve('reset'));
    socket.on('close', () => resolve('closed'));
  });
  return { socket, received: () => text, ended, closed };
}

function head(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST / HTTP/1.1\r\nhost: test\r\n${lines.join('')}\r\n`;
}

function chunked(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}

const statusOf = (text: string) => /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];

describe('readBodyBounded', () => {
  it("calls back in the handler's async context, not the socket's that delivered the body", async () => {
    // dd-trace keeps the request's span in that context, so the ingest's queries stay below it.
    const context = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    let handled = false;
    const server = createServer((req, res) => {
      handled = true;
      context.run('the request handler', () => {
        readBodyBounded(req, LIMIT, () => {
          seen.push(context.getStore());
          sendJson(res, 200, {});
        });
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const connection = await openConnection((server.address() as AddressInfo).port);
    connection.socket.write(head({ 'content-length': '4' }));
    // The body comes after the handler has run, so its bytes reach the reader from the socket's
    // own events.
    await expect.poll(() => handled).toBe(true);
    connection.socket.write('body');
    await expect.poll(() => statusOf(connection.received())).toBe('200');
    expect(seen).toEqual(['the request handler']);
  });

  it('gives the route the exact bytes of a body with a Content-Length', async () => {
    const harness = await startServer();
    const body = Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x00, 0xff, 0x7d]);
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'content-length': String(body.length) }));
    connection.socket.write(body);

    await expect.poll(() => statusOf(connection.received())).toBe('200');
    expect(harness.outcomes).toEqual([{ body }]);
  });

  it('reads a chunked body of exactly the limit in full', async () => {
    const harness = await startServer();
    const body = Buffer.alloc(LIMIT, 0x61);
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'transfer-encoding': 'chunked' }));
    connection.socket.write(chunked(body.subarray(0, LIMIT / 2)));
    connection.socket.write(chunked(body.subarray(LIMIT / 2)));
    connection.socket.write('0\r\n\r\n');

    await expect.poll(() => statusOf(connection.received())).toBe('200');
    expect(connection.received()).toContain(`{"length":${String(LIMIT)}}`);
    expect(harness.outcomes).toEqual([{ body }]);
  });

  it('refuses a declared Content-Length over the limit before a byte of the body is sent', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'content-length': String(LIMIT + 1) }));

    await expect.poll(() => statusOf(connection.received())).toBe('413');
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    expect(harness.outcomes).toEqual([{ error: { type: 'entity.too.large', status: 413 } }]);
  });

  it('refuses a chunked body the moment it passes the limit, with the upload unfinished', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'transfer-encoding': 'chunked' }));
    connection.socket.write(chunked(Buffer.alloc(LIMIT, 0x61)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statusOf(connection.received())).toBeUndefined();

    connection.socket.write(chunked(Buffer.from('b')));

    await expect.poll(() => statusOf(connection.received())).toBe('413');
    expect(harness.outcomes).toEqual([{ error: { type: 'entity.too.large', status: 413 } }]);
  });

  it('refuses a compressed body with encoding.unsupported', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'content-length': '2', 'content-encoding': 'gzip' }));
    connection.socket.write('{}');

    await expect.poll(() => statusOf(connection.received())).toBe('415');
    expect(harness.outcomes).toEqual([{ error: { type: 'encoding.unsupported', status: 415 } }]);
  });

  it('passes request.aborted on when the sender goes away in the middle of the body', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    connection.socket.write(head({ 'content-length': '100' }));
    connection.socket.write('{"partial":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    connection.socket.destroy();

    await expect.poll(() => harness.outcomes.length).toBe(1);
    expect(harness.outcomes[0]).toEqual({
      error: { type: 'request.aborted', status: 400 },
    });
  });

  it('ends its side after the 413 and closes the connection a bounded while later', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    const started = performance.now();
    // Declared too large, then silent: Node's own destroySoon would close at once; the reader
    // half-closes after the answer and keeps the socket until the linger runs out.
    connection.socket.write(head({ 'content-length': String(LIMIT * 4) }));
    await connection.ended;
    expect(statusOf(connection.received())).toBe('413');
    expect(connection.socket.writable).toBe(true);

    await expect.poll(() => harness.closes.length, { timeout: 4_000 }).toBe(1);
    const lingered = harness.closes[0]!.at - started;
    expect(lingered).toBeGreaterThan(1_500);
    expect(lingered).toBeLessThan(3_500);
  });

  it('lets a sender that keeps writing read its 413, and stops reading at about twice the limit', async () => {
    const harness = await startServer();
    const connection = await openConnection(harness.port);
    const offered = LIMIT * 400;
    connection.socket.write(head({ 'content-length': String(offered) }));
    const piece = Buffer.alloc(LIMIT, 0x61);
    // Writes as fast as the connection takes them, as an upload that ignores the answer would.
    let written = 0;
    const pump = () => {
      while (written < offered && !connection.socket.destroyed) {
        written += piece.length;
        if (!connection.socket.write(piece)) {
          connection.socket.once('drain', pump);
          return;
        }
      }
    };
    pump();

    await connection.closed;
    expect(statusOf(connection.received())).toBe('413');
    expect(connection.received()).toContain('"type":"entity.too.large"');
    await expect.poll(() => harness.closes.length).toBe(1);
    // The head, the bytes that arrived before the answer and the discard budget; the socket's
    // buffers add a little, nowhere near what was offered.
    expect(harness.closes[0]!.bytesRead).toBeLessThan(offered / 4);
  });
});
