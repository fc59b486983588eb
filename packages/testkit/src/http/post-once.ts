import { request, type Agent } from 'node:http';

export interface PostAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** The code of the error `postOnce` rejects with when its socket stays silent past the timeout. */
export const POST_TIMED_OUT = 'TIMEOUT';

/**
 * One HTTP POST over `agent` (node:http: the load senders share the cores with the service they
 * measure, and it does less work per request than fetch). Resolves with the whole answer; rejects
 * when none arrived: refused, reset, or its socket silent for `timeoutMs` (code `TIMEOUT`).
 * `onSending` is called when the request can go out, its connection open.
 */
export function postOnce(options: {
  agent: Agent;
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  onSending?: () => void;
}): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      options.url,
      {
        method: 'POST',
        agent: options.agent,
        headers: options.headers,
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', reject);
      },
    );
    const { onSending } = options;
    if (onSending !== undefined) {
      outgoing.once('socket', (socket) => {
        if (socket.connecting) socket.once('connect', onSending);
        else onSending();
      });
    }
    outgoing.on('timeout', () =>
      outgoing.destroy(Object.assign(new Error('timed out'), { code: POST_TIMED_OUT })),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
