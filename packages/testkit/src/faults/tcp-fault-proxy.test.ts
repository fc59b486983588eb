import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpFaultProxy, type TcpFaultProxy } from './tcp-fault-proxy.js';

let echo: Server | undefined;
let proxy: TcpFaultProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await new Promise((resolve) => echo?.close(resolve) ?? resolve(undefined));
});

async function startEcho(): Promise<number> {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo?.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before an answer')));
  });
}

describe('TCP fault proxy', () => {
  it('passes bytes through while healthy', async () => {
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: await startEcho() });
    await expect(roundTrip(proxy.port, 'hello')).resolves.toBe('hello');
  });

  it('resets connections while cut and passes traffic again after restore', async () => {
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: await startEcho() });
    proxy.cut('reset');
    await expect(roundTrip(proxy.port, 'lost')).rejects.toThrow();
    proxy.restore();
    await expect(roundTrip(proxy.port, 'back')).resolves.toBe('back');
  });

  it('swallows traffic in blackhole mode without answering', async () => {
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: await startEcho() });
    proxy.cut('blackhole');
    const answer = roundTrip(proxy.port, 'anyone?');
    const silence = new Promise((resolve) => setTimeout(() => resolve('silence'), 200));
    await expect(Promise.race([answer, silence])).resolves.toBe('silence');
  });

  it('adds the configured latency and removes it on restore', async () => {
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: await startEcho() });
    // A delay long enough that a round trip on a loaded machine (a few hundred milliseconds at
    // worst, seen on two busy cores) cannot be mistaken for it, in either direction.
    const latencyMs = 1_000;
    proxy.latency(latencyMs);
    const started = performance.now();
    await expect(roundTrip(proxy.port, 'slow')).resolves.toBe('slow');
    // One delay on the way there and one on the way back.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * latencyMs - 10);
    proxy.restore();
    const again = performance.now();
    await expect(roundTrip(proxy.port, 'fast')).resolves.toBe('fast');
    expect(performance.now() - again).toBeLessThan(latencyMs);
  });

  it('resets the seeded share of new connections, the same ones for the same seed', async () => {
    const port = await startEcho();
    const outcomes = async (seed: number) => {
      proxy = await startTcpFaultProxy({ host: '127.0.0.1', port });
      proxy.resetShare(0.3, { seed });
      const results: boolean[] = [];
      for (let i = 0; i < 40; i += 1) {
        results.push(
          await roundTrip(proxy.port, 'x').then(
            () => true,
            () => false,
          ),
        );
      }
      const resets = proxy.stats.resetByShare;
      await proxy.close();
      proxy = undefined;
      return { results, resets };
    };
    const first = await outcomes(7);
    const second = await outcomes(7);
    expect(first.results.filter((ok) => !ok)).toHaveLength(first.resets);
    expect(first.resets).toBeGreaterThan(3);
    expect(first.resets).toBeLessThan(25);
    expect(second).toEqual(first);
  });
});
