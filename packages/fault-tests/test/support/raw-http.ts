import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WEBHOOK_PATH } from './traffic.js';

export interface StreamedBody {
  /** Body bytes written before the service closed the connection or the body ended. */
  written: number;
  /** The status line's code, if an answer arrived. */
  status: number | undefined;
  closedAfterMs: number;
}

/**
 * Posts a body of `totalBytes` spaces to the webhook over a raw socket, as a sender that reads
 * while it writes (curl, most HTTP stacks): chunked or under a declared Content-Length, with
 * backpressure, stopping when the service closes the connection. fetch() cannot be used: it
 * reports an answer that arrives before the body is sent as a failed request.
 */
export async function streamBody(
  url: string,
  options: {
    mode: 'chunked' | 'declared';
    totalBytes: number;
    headers?: Record<string, string>;
    timeoutMs?: number;
  },
): Promise<StreamedBody> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = Date.now();
  let answer = '';
  // An object, so that the loop below sees the close handler's write.
  const state = { closed: false };
  socket.on('data', (data: Buffer) => {
    answer += data.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closedPromise.then(() => {
    state.closed = true;
  });
  const framing =
    options.mode === 'chunked'
      ? 'transfer-encoding: chunked'
      : `content-length: ${String(options.totalBytes)}`;
  const extra = Object.entries(options.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    `POST ${WEBHOOK_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${extra}${framing}\r\n\r\n`,
  );
  let written = 0;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!state.closed && written < options.totalBytes && Date.now() < deadline) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, options.totalBytes - written), 0x20);
    const parts =
      options.mode === 'chunked'
        ? [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]
        : [chunk];
    let ok = true;
    for (const part of parts) ok = socket.write(part) && ok;
    written += chunk.length;
    if (!ok) {
      await Promise.race([
        new Promise((resolve) => socket.once('drain', resolve)),
        closedPromise,
        sleep(2_000),
      ]);
    }
  }
  if (!state.closed && options.mode === 'chunked') socket.write('0\r\n\r\n');
  // The answer is awaited up to a bound; a keep-alive connection stays open after it.
  for (
    let i = 0;
    i < 100 && !state.closed && !/^HTTP\/1\.1 \d{3}[\s\S]*\r\n\r\n/.test(answer);
    i += 1
  ) {
    await Promise.race([closedPromise, sleep(50)]);
  }
  socket.destroy();
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
  return {
    written,
    status: status === undefined ? undefined : Number(status),
    closedAfterMs: Date.now() - started,
  };
}
