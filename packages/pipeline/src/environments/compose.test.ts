/* eslint-disable security/detect-non-literal-fs-filename -- paths are files of this repository */
// There is no container engine here, so docker-compose.yml is checked by reading it: references
// between services, volumes and Dockerfile stages resolve, start order waits on health checks,
// and the service's environment is one the service's own configuration loader accepts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoPath } from '../repository.js';
import { loadServiceConfig } from './service-config.js';

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  profiles?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  stop_grace_period?: string;
}

const compose = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
};
const stages = [
  ...readFileSync(repoPath('Dockerfile'), 'utf8').matchAll(/^FROM \S+ AS (\S+)$/gm),
].map((match) => match[1]);
const mocksEntry = readFileSync(repoPath('packages/testkit/src/cli/compose-mocks.ts'), 'utf8');
const dockerfileNodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(
  readFileSync(repoPath('Dockerfile'), 'utf8'),
)?.[1];

/** `${NAME:-default}` as Compose interpolates it with NAME unset, and the variable's name. */
function interpolated(value: string | undefined): { variable?: string; value?: string } {
  const match = /^\$\{(\w+):-([^}]+)\}$/.exec(value ?? '');
  return match ? { variable: match[1], value: match[2] } : { value };
}

describe('docker-compose.yml', () => {
  it('runs the service, PostgreSQL, the test kit mocks and a Datadog agent behind a profile', () => {
    expect(Object.keys(services).sort()).toEqual(['datadog-agent', 'mocks', 'postgres', 'service']);
    expect(service('datadog-agent').profiles).toEqual(['datadog']);
    for (const name of ['service', 'postgres', 'mocks'])
      expect(service(name).profiles).toBeUndefined();
  });

  it('builds from stages the Dockerfile has, and pins every image', () => {
    expect(service('service').build?.target).toBe('release');
    const definitions = Object.values(services);
    const targets = definitions.flatMap((definition) => definition.build?.target ?? []);
    expect(targets.sort()).toEqual(['deps', 'release']);
    for (const target of targets) expect(stages).toContain(target);
    const images = definitions.flatMap((definition) =>
      definition.build === undefined ? [interpolated(definition.image).value ?? 'no image'] : [],
    );
    expect(images).toHaveLength(2);
    for (const image of images) expect(image).toMatch(/^[\w./-]+:\d[\w.-]*$/);
  });

  it('names its images by variables whose defaults are the official images', () => {
    // A machine without a registry sets these to locally built images (packages/container-tests).
    const postgresImage = interpolated(service('postgres').image);
    expect(postgresImage.variable).toBe('POSTGRES_IMAGE');
    expect(postgresImage.value).toMatch(/^postgres:17\.\d+-alpine$/);
    expect(dockerfileNodeImage).toMatch(/^node:\d+\.\d+\.\d+-\w+-slim$/);
    for (const name of ['service', 'mocks']) {
      expect(interpolated(service(name).build?.args?.NODE_IMAGE)).toEqual({
        variable: 'NODE_IMAGE',
        value: dockerfileNodeImage,
      });
    }
    expect(service('service').ports).toEqual(['127.0.0.1:${SERVICE_HOST_PORT:-8080}:8080']);
  });

  it('writes no exec-form health check that podman would split at its spaces', () => {
    // podman 4's Docker API joins a CMD health check with spaces and splits it again, so an
    // argument with a space in it arrives torn apart; a CMD-SHELL string arrives whole.
    const torn = Object.entries(services).flatMap(([name, definition]) => {
      const [form, ...args] = definition.healthcheck?.test ?? [];
      if (form === 'CMD-SHELL') return [];
      if (form !== 'CMD') return [`${name}: ${String(form)}`];
      return args.filter((arg) => /\s/.test(arg)).map((arg) => `${name}: ${arg}`);
    });
    expect(torn).toEqual([]);
  });

  it('starts each service only after what it depends on is healthy', () => {
    const definitions = Object.values(services);
    expect(definitions.filter((definition) => definition.healthcheck === undefined)).toEqual([]);
    const dependencies = definitions.flatMap((definition) =>
      Object.entries(definition.depends_on ?? {}),
    );
    expect(dependencies.length).toBeGreaterThan(0);
    for (const [dependency, { condition }] of dependencies) {
      expect(condition).toBe('service_healthy');
      expect(service(dependency).healthcheck).toBeDefined();
      // `docker compose up` without the profile must not need a profiled service.
      expect(service(dependency).profiles).toBeUndefined();
    }
    expect(Object.keys(service('service').depends_on ?? {}).sort()).toEqual(['mocks', 'postgres']);
  });

  it('probes readiness on /health, and the mocks on the listener the entry script opens', () => {
    expect(service('service').healthcheck?.test.join(' ')).toContain(
      "fetch('http://127.0.0.1:8080/health')",
    );
    expect(service('mocks').healthcheck?.test.join(' ')).toContain('8090/ready');
    expect(mocksEntry).toContain("port('MOCKS_HEALTH_PORT', 8090)");
    expect(mocksEntry).toContain("req.url === '/ready'");
  });

  it('runs the entry script the test kit builds', () => {
    expect(service('mocks').command?.join(' ')).toContain(
      'node packages/testkit/dist/cli/compose-mocks.js',
    );
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(services)
      .flatMap((definition) => definition.volumes ?? [])
      .map((volume) => volume.split(':')[0] ?? '')
      .filter((source) => !source.startsWith('/'));
    expect(named.length).toBeGreaterThan(0);
    for (const source of named) expect(Object.keys(compose.volumes)).toContain(source);
  });

  it('hardens the service container as Kubernetes does', () => {
    const definition = service('service');
    expect(definition.read_only).toBe(true);
    expect(definition.cap_drop).toEqual(['ALL']);
    expect(Number.parseInt(definition.stop_grace_period ?? '0', 10)).toBeGreaterThan(
      Number(definition.environment?.SHUTDOWN_GRACE_MS) / 1000,
    );
  });

  it('gives the service a production configuration the service accepts, with files the mocks write', () => {
    const env = service('service').environment ?? {};
    const mount = (service('service').volumes ?? [])
      .map((volume) => volume.split(':'))
      .find(([source]) => source === 'mock-credentials');
    const directory = mount?.[1] ?? '';
    expect(service('mocks').environment?.MOCKS_KEY_DIR).toBe(directory);
    // The files the entry script writes into the shared volume.
    const written = [...mocksEntry.matchAll(/path\.join\(keyDir, '([^']+)'\)/g)].map((m) => m[1]);
    const files = new Map<string, string>();
    for (const [name, value] of Object.entries(env)) {
      if (name.endsWith('_FILE') && written.some((file) => value === `${directory}/${file}`)) {
        files.set(value, name.slice(0, -'_FILE'.length));
      }
    }
    const config = loadServiceConfig(env, files);
    expect(config.NODE_ENV).toBe('production');
    expect(config.SERVICE_ROLE).toBe('all');
    expect(config.WEBHOOK_HMAC_SECRETS).toHaveLength(1);
    // The signing key is read by path when the service starts; the mocks write it there.
    expect(written.map((file) => `${directory}/${file}`)).toContain(
      config.MASTERCARD_SIGNING_KEY_PEM_PATH,
    );
    expect(config.MASTERCARD_CONSUMER_KEY).toBe(
      service('mocks').environment?.MASTERCARD_CONSUMER_KEY,
    );
    expect(config.ETHOCA_OUTCOME_URL).toBe('http://mocks:8081');
    expect(mocksEntry).toContain("port('MOCK_ETHOCA_PORT', 8081)");
    expect(config.PSP_URL).toBe('http://mocks:8082');
    expect(mocksEntry).toContain("port('MOCK_PSP_PORT', 8082)");
    expect(config.MASTERCOM_URL).toBe('http://mocks:8083/mastercom');
    expect(mocksEntry).toContain("port('MOCK_MASTERCOM_PORT', 8083)");
  });

  it('collects DogStatsD percentiles the latency monitors read', () => {
    expect(service('datadog-agent').environment?.DD_HISTOGRAM_PERCENTILES).toBe('0.95 0.99');
    expect(service('service').environment?.DD_AGENT_HOST).toBe('datadog-agent');
  });
});
