import { request } from 'node:http';

/** What answered on a Docker API endpoint. */
export interface DockerApiAnswer {
  /** `Docker Engine`, `Podman Engine`, ... from the first component of `GET /version`. */
  readonly engine: string;
  readonly version: string;
}

/**
 * Where a Docker-compatible API is looked for when DOCKER_HOST is not set: Docker's own socket
 * and the system socket of podman's socket unit, in that order.
 */
export const wellKnownDockerHosts: readonly string[] = [
  'unix:///var/run/docker.sock',
  'unix:///run/podman/podman.sock',
];

/**
 * Asks `dockerHost` (`unix:///path` or `tcp://host:port`) whether a Docker API answers there and
 * which engine it is. `GET /_ping` decides: a missing socket fails at once and the timeout bounds
 * a TCP host that never answers. `GET /version` only names the engine; podman assembles it from
 * its own state, which takes seconds on a busy machine, so it gets a longer bound of its own.
 */
export async function askDockerApi(
  dockerHost: string,
  pingTimeoutMs = 3_000,
): Promise<DockerApiAnswer | undefined> {
  const target = endpoint(dockerHost);
  if (target === undefined) return undefined;
  const ping = await get(target, '/_ping', pingTimeoutMs);
  if (ping?.status !== 200) return undefined;
  const version = await get(target, '/version', 30_000);
  return (
    (version?.status === 200 ? parseVersion(version.body) : undefined) ?? {
      engine: 'Docker API',
      version: 'unknown',
    }
  );
}

type Endpoint = { socketPath: string } | { host: string; port: number };

async function get(
  target: Endpoint,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ ...target, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(undefined);
    });
    req.end();
  });
}

/** The first endpoint that answers, with what answered there. */
export async function findAnsweringDockerHost(
  candidates: readonly string[],
): Promise<{ dockerHost: string; answer: DockerApiAnswer } | undefined> {
  for (const dockerHost of candidates) {
    const answer = await askDockerApi(dockerHost);
    if (answer !== undefined) return { dockerHost, answer };
  }
  return undefined;
}

function endpoint(dockerHost: string): Endpoint | undefined {
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return undefined;
}

function parseVersion(body: string): DockerApiAnswer | undefined {
  try {
    const parsed = JSON.parse(body) as {
      Version?: string;
      Components?: { Name?: string; Version?: string }[];
    };
    const component = parsed.Components?.[0];
    return {
      engine: component?.Name ?? 'Docker Engine',
      version: component?.Version ?? parsed.Version ?? 'unknown',
    };
  } catch {
    return undefined;
  }
}
