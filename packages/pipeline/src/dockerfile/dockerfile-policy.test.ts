/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../repository.js';
import { checkDockerfile, isPinned } from './dockerfile-policy.js';

// A Dockerfile that keeps every rule; each test below breaks exactly one.
const good = `ARG NODE_IMAGE=node:24.21.0-bookworm-slim
FROM \${NODE_IMAGE} AS base
FROM base AS deps
RUN --mount=type=cache,target=/pnpm/store pnpm install --frozen-lockfile
FROM deps AS build
RUN pnpm --filter @mastercom/service deploy --prod /out
FROM \${NODE_IMAGE} AS release
ARG REVISION
ARG VERSION
LABEL org.opencontainers.image.revision=$REVISION org.opencontainers.image.version=$VERSION
RUN apt-get update && apt-get install --yes tini
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ /app/
USER 1000:1000
EXPOSE 8080
HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:8080/__ops/ping')"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "dd-trace/initialize.mjs", "--max-semi-space-size=16", "--max-old-space-size=128", "dist/main.js"]
`;

function rulesOf(text: string) {
  return checkDockerfile(text).map((finding) => finding.rule);
}

describe('the repository Dockerfile', () => {
  it('keeps every rule', () => {
    expect(checkDockerfile(readFileSync(repoPath('Dockerfile'), 'utf8'))).toEqual([]);
  });
});

describe('checkDockerfile', () => {
  it('accepts the reference file', () => {
    expect(checkDockerfile(good)).toEqual([]);
  });

  it('flags a root or missing final user', () => {
    expect(rulesOf(good.replace('USER 1000:1000', 'USER root'))).toEqual(['non-root']);
    expect(rulesOf(good.replace('USER 1000:1000', 'USER 0'))).toEqual(['non-root']);
    expect(rulesOf(good.replace('USER 1000:1000\n', ''))).toEqual(['non-root']);
    expect(rulesOf(good.replace('USER 1000:1000', 'USER 1000\nUSER root'))).toEqual(['non-root']);
  });

  it('flags latest and untagged base images', () => {
    expect(rulesOf(good.replace('node:24.21.0-bookworm-slim', 'node:latest'))).toEqual([
      'pinned-base',
      'pinned-base',
    ]);
    expect(rulesOf(good.replace('node:24.21.0-bookworm-slim', 'node'))).toEqual([
      'pinned-base',
      'pinned-base',
    ]);
  });

  it('flags a base image that is not the NODE_IMAGE argument, or an argument without a default', () => {
    expect(
      rulesOf(
        good.replace('FROM ${NODE_IMAGE} AS release', 'FROM node:24.21.0-bookworm-slim AS release'),
      ),
    ).toEqual(['base-image-arg']);
    expect(
      rulesOf(good.replace('ARG NODE_IMAGE=node:24.21.0-bookworm-slim', 'ARG NODE_IMAGE')),
    ).toEqual(['base-image-arg', 'base-image-arg']);
  });

  it('flags unnamed and missing stages', () => {
    expect(rulesOf(good.replace('FROM deps AS build', 'FROM deps'))).toEqual([
      'named-stages',
      'stages',
    ]);
    expect(
      rulesOf(good.replace('FROM base AS deps\n', 'FROM base AS deps\nFROM deps AS test\n')),
    ).toEqual(['stages']);
  });

  it('flags a release stage that copies sources, other stages or other paths', () => {
    expect(rulesOf(good.replace('COPY --from=build /out/ /app/', 'COPY . /app/'))).toEqual([
      'release-copies',
    ]);
    expect(
      rulesOf(good.replace('COPY --from=build /out/ /app/', 'COPY --from=deps /repo /app/')),
    ).toEqual(['release-copies']);
    expect(
      rulesOf(good.replace('COPY --from=build /out/ /app/', 'COPY --from=build /repo/src /app/')),
    ).toEqual(['release-copies']);
    expect(rulesOf(good.replace('WORKDIR /app', 'WORKDIR /app\nADD app.tar /app'))).toEqual([
      'release-copies',
    ]);
    expect(
      rulesOf(good.replace('WORKDIR /app', 'WORKDIR /app\nRUN npm install --omit=dev')),
    ).toEqual(['release-copies']);
  });

  it('flags a missing or disabled health check, port, NODE_ENV, init, command and labels', () => {
    const healthcheck = `HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:8080/__ops/ping')"]`;
    expect(rulesOf(good.replace(healthcheck, ''))).toEqual(['healthcheck']);
    expect(rulesOf(good.replace(healthcheck, 'HEALTHCHECK NONE'))).toEqual(['healthcheck']);
    expect(rulesOf(good.replace('__ops/ping', 'health'))).toEqual(['healthcheck']);
    expect(rulesOf(good.replace('EXPOSE 8080', 'EXPOSE 3000'))).toEqual(['expose']);
    expect(rulesOf(good.replace('NODE_ENV=production', 'NODE_ENV=development'))).toEqual([
      'node-env',
    ]);
    expect(rulesOf(good.replace('ENTRYPOINT ["/usr/bin/tini", "--"]\n', ''))).toEqual(['init']);
    const command =
      'CMD ["node", "--import", "dd-trace/initialize.mjs", "--max-semi-space-size=16", "--max-old-space-size=128", "dist/main.js"]';
    expect(rulesOf(good.replace(command, 'CMD node dist/main.js'))).toEqual(['command']);
    // Without the --import, ESM modules load before dd-trace and no span is ever recorded.
    expect(
      rulesOf(
        good.replace(
          command,
          'CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=128", "dist/main.js"]',
        ),
      ),
    ).toEqual(['command']);
    expect(rulesOf(good.replace(' org.opencontainers.image.version=$VERSION', ''))).toEqual([
      'labels',
    ]);
  });

  it('flags a dependency install without the lockfile or the cache mount', () => {
    expect(rulesOf(good.replace(' --frozen-lockfile', ''))).toEqual(['install']);
    expect(rulesOf(good.replace('--mount=type=cache,target=/pnpm/store ', ''))).toEqual([
      'install',
    ]);
  });
});

describe('isPinned', () => {
  it('accepts version tags and digests, rejects latest and untagged references', () => {
    expect(isPinned('node:24.21.0-bookworm-slim')).toBe(true);
    expect(isPinned('localhost:5000/node:24')).toBe(true);
    expect(isPinned('node@sha256:0123abcd')).toBe(true);
    expect(isPinned('localhost:5000/node')).toBe(false);
    expect(isPinned('node:latest')).toBe(false);
    expect(isPinned('node')).toBe(false);
  });
});
