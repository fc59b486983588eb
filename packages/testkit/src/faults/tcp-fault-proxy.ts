import { createServer, connect, type Socket } from 'node:net';

export type CutMode =
  /** Connections are reset: what a client sees when the database process is gone. */
  | 'reset'
  /** Connections are accepted and never answered: a network partition or a hung server. */
  | 'blackhole';

export interface TcpFaultProxy {
  /** The loopback port clients should connect to instead of the target's. */
  readonly port: number;
  /** Drops every open connection and treats new ones according to `mode` until `restore()`. */
  cut(mode?: CutMode): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback between a client and a server (here: the service and PostgreSQL), so a
 * test can take the server away and bring it back without touching the server other tests share.
 */
export async function startTcpFaultProxy(target: {
  host: string;
  port: number;
}): Promise<TcpFaultProxy> {
  const open = new Set<Socket>();
  let cutMode: CutMode | undefined;

  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    if (cutMode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (cutMode === 'blackhole') return;
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('fault proxy has no TCP address');

  return {
    port: address.port,
    cut(mode = 'reset') {
      cutMode = mode;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      cutMode = undefined;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
