import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** The kernel's tables of TCP sockets in this network namespace (Linux). */
const TCP_TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const LISTEN_STATE = '0A';

/**
 * Connections the kernel has completed for listeners on `port` and that no process has accepted
 * yet, read from /proc/net/tcp and /proc/net/tcp6 (for a listening socket the rx_queue column is
 * its accept queue). Undefined where the tables cannot be read (not Linux, or /proc hidden).
 */
export async function pendingAccepts(port: number): Promise<number | undefined> {
  let readAny = false;
  let pending = 0;
  for (const table of TCP_TABLES) {
    let text: string;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- one of two fixed paths
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    pending += pendingAcceptsIn(text, port);
  }
  return readAny ? pending : undefined;
}

/** The accept queues of the listeners on `port` in one /proc/net/tcp-format table, summed. */
export function pendingAcceptsIn(table: string, port: number): number {
  let pending = 0;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue ...
    const fields = line.trim().split(/\s+/);
    const [, local, , state, queues] = fields;
    if (local === undefined || state !== LISTEN_STATE || queues === undefined) continue;
    const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort !== port) continue;
    pending += Number.parseInt(queues.slice(queues.indexOf(':') + 1), 16) || 0;
  }
  return pending;
}

/**
 * Waits until no connection waits in the accept queue of `port`, checking every `intervalMs`, for
 * at most `maxWaitMs`. Resolves how many were still waiting (0 when drained; undefined when the
 * queue cannot be read, which ends the wait at once).
 */
export async function waitForAcceptQueue(
  port: number,
  options: { maxWaitMs: number; intervalMs?: number },
): Promise<number | undefined> {
  const deadline = performance.now() + options.maxWaitMs;
  for (;;) {
    const pending = await pendingAccepts(port);
    if (pending === undefined || pending === 0 || performance.now() >= deadline) return pending;
    await sleep(options.intervalMs ?? 50);
  }
}
