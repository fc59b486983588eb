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
});
