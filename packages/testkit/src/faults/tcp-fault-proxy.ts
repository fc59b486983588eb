import { createServer, connect, type Socket } from 'node:net';
import { SeededRandom } from '@mastercom/contracts/fixtures';

export type CutMode =
  /** Connections are reset: what a client sees when the database process is gone. */
  | 'reset'
  /** Connections are accepted and never answered: a network partition or a hung server. */
  | 'blackhole';

export interface ResetShareOptions {
  /** Seed of the PRNG that picks the connections, so a run is repeatable. */
  seed?: number;
  /**
   * A picked connection is reset after a delay drawn between 0 and this many milliseconds, so
   * some resets land in the middle of a query or a transaction rather than at connect time.
   */
  maxDelayMs?: number;
  /**
   * When set, every `everyMs` each open connection is again picked with probability `share`:
   * a client with a small warm pool (a database pool of a few connections) meets resets all
   * through the phase instead of only when the rule is set.
   */
  everyMs?: number;
}

export interface TcpFaultProxy {
  /** The loopback port clients should connect to instead of the target's. */
  readonly port: number;
  /** Drops every open connection and treats new ones according to `mode` until `restore()`. */
  cut(mode?: CutMode): void;
  /** Delays every chunk in both directions by `ms` (order kept); 0 turns it off. */
  latency(ms: number): void;
  /**
   * A share `share` (0–1) of the connections open now and of every new one until `restore()` is
   * reset, picked by a seeded PRNG. Open connections count too: a client with a warm pool would
   * otherwise never meet the fault. 0 turns it off for new connections.
   */
  resetShare(share: number, options?: ResetShareOptions): void;
  /** Ends every fault: no cut, no latency, no resets. */
  restore(): void;
  /** What the proxy did so far, for reports. */
  readonly stats: { connections: number; resetByShare: number; resetByCut: number };
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback between a client and a server (here: the service and PostgreSQL), so a
 * test can take the server away, slow it down or break some of its connections, and bring it
 * back, without touching the server other tests share.
 */
export async function startTcpFaultProxy(target: {
  host: string;
  port: number;
}): Promise<TcpFaultProxy> {
  const open = new Set<Socket>();
  /** Client side → upstream side of every proxied connection. */
  const pairs = new Map<Socket, Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let cutMode: CutMode | undefined;
  let latencyMs = 0;
  let shareRule: { share: number; random: SeededRandom; maxDelayMs: number } | undefined;
  let shareSweep: NodeJS.Timeout | undefined;
  const stats = { connections: 0, resetByShare: 0, resetByCut: 0 };

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  /**
   * Copies `from` to `to`. With latency every chunk is held back for `latencyMs`; the chunks keep
   * their order because each one waits the same time from its arrival, and timers of equal
   * duration fire in the order they were set.
   */
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (latencyMs === 0) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      later(latencyMs, () => {
        if (!to.destroyed) to.write(chunk);
      });
    });
  };

  const resetLater = (client: Socket, upstream: Socket, afterMs: number) => {
    stats.resetByShare += 1;
    later(afterMs, () => {
      upstream.destroy();
      if (!client.destroyed) client.resetAndDestroy();
    });
  };

  const server = createServer((client) => {
    stats.connections += 1;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    if (cutMode === 'reset') {
      stats.resetByCut += 1;
      client.resetAndDestroy();
      return;
    }
    if (cutMode === 'blackhole') return;
    const resetAfterMs =
      shareRule !== undefined && shareRule.random.next() < shareRule.share
        ? Math.floor(shareRule.random.next() * shareRule.maxDelayMs)
        : undefined;
    if (resetAfterMs === 0) {
      stats.resetByShare += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    pairs.set(client, upstream);
    client.on('close', () => pairs.delete(client));
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    forward(client, upstream);
    forward(upstream, client);
    if (resetAfterMs !== undefined) resetLater(client, upstream, resetAfterMs);
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
    stats,
    cut(mode = 'reset') {
      cutMode = mode;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    latency(ms) {
      if (!(ms >= 0)) throw new RangeError('latency must be 0 or more milliseconds');
      latencyMs = ms;
    },
    resetShare(share, options = {}) {
      if (!(share >= 0 && share <= 1)) throw new RangeError('share must be between 0 and 1');
      const rule = {
        share,
        random: new SeededRandom(options.seed ?? 1),
        maxDelayMs: options.maxDelayMs ?? 0,
      };
      shareRule = share === 0 ? undefined : rule;
      clearInterval(shareSweep);
      shareSweep = undefined;
      const pickOpen = () => {
        for (const [client, upstream] of pairs) {
          if (rule.random.next() < share) {
            resetLater(client, upstream, Math.floor(rule.random.next() * rule.maxDelayMs));
          }
        }
      };
      pickOpen();
      if (share > 0 && options.everyMs !== undefined) {
        shareSweep = setInterval(pickOpen, options.everyMs);
      }
    },
    restore() {
      cutMode = undefined;
      latencyMs = 0;
      shareRule = undefined;
      clearInterval(shareSweep);
      shareSweep = undefined;
    },
    close() {
      clearInterval(shareSweep);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
