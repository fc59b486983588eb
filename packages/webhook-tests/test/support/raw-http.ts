import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './test-app.js';

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
}

/**
 * Sends a request byte for byte over a real loopback connection: chunked transfer encoding when
 * no Content-Length is given, which supertest cannot do. A server that answers early and closes
 * the connection (413) may make the rest of the upload fail; the answer is what counts.
 */
export async function rawRequest(
  app: App,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    chunks: (string | Buffer)[];
  },
): Promise<RawReply> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'POST',
      path: options.path ?? '/api/v6/webhooks/ethoca',
      headers: options.headers,
      agent: false,
    });
    const answered = new Promise<RawReply>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: json ? JSON.parse(text) : undefined,
          });
        });
      });
    });
    for (const chunk of options.chunks) {
      if (req.destroyed) break;
      req.write(chunk);
      // Each chunk leaves on its own, as a slow sender's would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    req.end();
    return await answered;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
