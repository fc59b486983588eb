import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingAccepts, pendingAcceptsIn, waitForAcceptQueue } from './accept-queue.js';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:A2F5 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:A2F5 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
   2: 00000000:A2F5 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
   3: 0100007F:1538 00000000:0000 0A 00000000:00000009 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0
`;

describe('pendingAcceptsIn', () => {
  it('sums the accept queues of the listeners on the port and ignores other sockets', () => {
    expect(pendingAcceptsIn(TABLE, 0xa2f5)).toBe(5);
    expect(pendingAcceptsIn(TABLE, 5432)).toBe(9);
    expect(pendingAcceptsIn(TABLE, 80)).toBe(0);
    expect(pendingAcceptsIn('', 80)).toBe(0);
  });
});

const children: ChildProcess[] = [];
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A listener in another process whose event loop is busy for `busyMs` after it prints its port. */
async function busyListener(busyMs: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const server = require('node:net').createServer((socket) => socket.destroy());
       server.listen(0, '127.0.0.1', () => {
         require('node:fs').writeSync(1, server.address().port + '\\n');
         const end = Date.now() + ${String(busyMs)};
         while (Date.now() < end) {}
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return Number(chunk.toString().trim());
}

describe.runIf(process.platform === 'linux')('the accept queue on Linux', () => {
  it('counts connections a busy process has not accepted, and sees the queue empty once it has', async () => {
    const port = await busyListener(1500);
    for (let index = 0; index < 3; index += 1) {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => undefined);
      await once(socket, 'connect');
    }

    expect(await pendingAccepts(port)).toBe(3);
    expect(await waitForAcceptQueue(port, { maxWaitMs: 10_000, intervalMs: 20 })).toBe(0);
  });

  it('stops waiting at its bound and says how many still wait', async () => {
    const port = await busyListener(3000);
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    await once(socket, 'connect');

    expect(await waitForAcceptQueue(port, { maxWaitMs: 200, intervalMs: 20 })).toBe(1);
  });
});
