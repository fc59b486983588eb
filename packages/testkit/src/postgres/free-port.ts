import net from 'node:net';

/**
 * Asks the kernel for a TCP port that nobody listens on right now. PostgreSQL cannot be told to
 * pick its own port and report it back, so the port is found by binding port 0 and releasing it;
 * another process may still take it before the server binds, which the caller handles by retrying.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') {
          reject(new Error(`could not read the port bound on ${host}`));
          return;
        }
        resolve(address.port);
      });
    });
  });
}
