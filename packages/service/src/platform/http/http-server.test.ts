import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, drainServer } from './http-server.js';

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A server whose requests answer after `delayMs`, with the keep-alive timeout given. */
async function startServer(options: { delayMs: number; keepAliveMs: number }): Promise<number> {
  const server = createHttpServer(
    (_request, response) => {
      setTimeout(() => response.end('ok'), options.delayMs);
    },
    { headersTimeoutMs: 2000, requestTimeoutMs: 5000 },
  );
  server.keepAliveTimeout = options.keepAliveMs;
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A raw keep-alive connection, so the test decides exactly when each request is written. */
async function openConnection(port: number): Promise<{
  socket: Socket;
  send: () => void;
  responses: () => string;
  ended: Promise<'closed' | 'reset'>;
}> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const ended = new Promise<'closed' | 'reset'>((resolve) => {
    socket.on('error', () => resolve('reset'));
    socket.on('close', () => resolve('closed'));
  });
  return {
    socket,
    send: () => socket.write('GET / HTTP/1.1\r\nhost: test\r\nconnection: keep-alive\r\n\r\n'),
    responses: () => received,
    ended,
  };
}

const answered = (text: string) => text.match(/HTTP\/1\.1 200 OK/g)?.length ?? 0;

describe('drainServer', () => {
  it('answers a request written on an idle keep-alive connection after the drain began, and closes it after that answer', async () => {
    const port = await startServer({ delayMs: 0, keepAliveMs: 5000 });
    const connection = await openConnection(port);
    connection.send();
    await expect.poll(() => answered(connection.responses())).toBe(1);
    const server = servers[0]!;

    const drained = drainServer(server, 10_000);
    // The request that was on its way when the listener closed: it must be served, not reset.
    connection.send();

    expect(await connection.ended).toBe('closed');
    expect(answered(connection.responses())).toBe(2);
    expect(connection.responses()).toMatch(/\r\nconnection: close\r\n/i);
    expect(await drained).toBe(true);
  });

  it('lets a request in flight finish and refuses new connections', async () => {
    const port = await startServer({ delayMs: 300, keepAliveMs: 5000 });
    const connection = await openConnection(port);
    connection.send();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const drained = drainServer(servers[0]!, 10_000);
    // The listener closes once the kernel holds no connection waiting for it (none here).
    await expect.poll(() => servers[0]!.listening).toBe(false);
    const refused = await new Promise<string>((resolve) => {
      const late = connect(port, '127.0.0.1');
      sockets.push(late);
      late.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      late.on('connect', () => resolve('connected'));
    });

    expect(refused).toBe('ECONNREFUSED');
    expect(await connection.ended).toBe('closed');
    expect(answered(connection.responses())).toBe(1);
    // Closed by its answer, which was under way when the drain began, not by keep-alive's timeout.
    expect(connection.responses()).toMatch(/\r\nconnection: close\r\n/i);
    expect(await drained).toBe(true);
  });

  it('leaves an idle connection to the keep-alive timeout, then finishes', async () => {
    const port = await startServer({ delayMs: 0, keepAliveMs: 200 });
    const connection = await openConnection(port);
    connection.send();
    await expect.poll(() => answered(connection.responses())).toBe(1);

    expect(await drainServer(servers[0]!, 10_000)).toBe(true);
    expect(await connection.ended).toBe('closed');
  });

  it('closes what is left when the grace period ends', async () => {
    const port = await startServer({ delayMs: 60_000, keepAliveMs: 5000 });
    const connection = await openConnection(port);
    connection.send();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(await drainServer(servers[0]!, 200)).toBe(false);
    await connection.ended;
    expect(answered(connection.responses())).toBe(0);
  });
});
