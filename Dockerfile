# syntax=docker/dockerfile:1.7
#
# base -> deps -> build -> release. Only `release` ships. The image's own install is proven by
# running it: scripts/smoke-image.sh starts the built image against PostgreSQL and the mocks before
# anything is pushed (a unit stage in here would repeat the pipeline's gates on the same lockfile).
# Static checks of this file run in `pnpm test` (packages/pipeline).

# The base image is an argument so that a machine without a registry can build with a locally made
# Node 24 image (`--build-arg NODE_IMAGE=localhost/node:24`). The default is pinned to the Node
# release the toolchain uses (.nvmrc, scripts/setup.sh), never a moving tag.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV PNPM_HOME=/pnpm \
    CI=true
ENV PATH=/pnpm:$PATH
WORKDIR /repo
# pnpm comes from the npm registry at exactly the version package.json's packageManager pins, so
# the image resolves the lockfile the way developers and CI do.
COPY package.json ./
RUN npm install --global --no-fund --no-audit --loglevel=error \
      "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"

FROM base AS deps
# The lockfile and workspace file alone decide what is downloaded, so this layer and the store in
# the cache mount survive any source change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir /pnpm/store
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store

FROM deps AS build
RUN pnpm turbo run build --filter=@mastercom/service...
# `pnpm deploy --prod` gives the service with only its production dependency tree (workspace
# packages copied in, not linked). It copies the whole package folder, so only what runs is kept:
# the compiled output, the manifest and the production node_modules.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter @mastercom/service deploy --prod --offline --store-dir /pnpm/store /deploy \
 && mkdir /out \
 && mv /deploy/package.json /deploy/dist /deploy/node_modules /out/

FROM ${NODE_IMAGE} AS release
# tini runs as PID 1 so SIGTERM from Kubernetes reaches node (whose graceful shutdown drains
# in-flight requests) and zombie processes are reaped.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# dd-trace loads with every start of the service (CMD), and traces only where DD_TRACE_ENABLED is
# turned on (the Kubernetes ConfigMap does); elsewhere it sends nothing.
ENV NODE_ENV=production \
    PORT=8080 \
    DD_TRACE_ENABLED=false
WORKDIR /app
# Files stay owned by root: the service only reads them, and a compromised process cannot rewrite
# its own code.
COPY --from=build /out/ /app/
# A numeric user lets Kubernetes verify `runAsNonRoot` without resolving names; 1000 is the base
# image's `node` user.
USER 1000:1000
EXPOSE 8080
# Liveness without curl: the base image has node, and /__ops/ping does no I/O.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/__ops/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "dd-trace/initialize.mjs", "--max-semi-space-size=16", "--max-old-space-size=128", "dist/main.js"]
# The revision and version change with every build, so they come last: every layer above is
# reused from the build cache when only they differ.
ARG REVISION=unknown
ARG VERSION=0.0.0-dev
LABEL org.opencontainers.image.title="mastercom-service" \
      org.opencontainers.image.description="Ethoca alert receiver and Mastercom dispute worker" \
      org.opencontainers.image.revision=$REVISION \
      org.opencontainers.image.version=$VERSION
