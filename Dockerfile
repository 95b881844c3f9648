# syntax=docker/dockerfile:1
#
# One image recipe for every service. Build with the repository root as the context:
#   docker build --build-arg SERVICE=<service> --build-arg PORT=<port> -t dialer/<service>:local .
# services and their ports: campaign-api 3000, webhook-ingest 3001, metrics-aggregator 3002,
# dialer-worker 3003 (serves only /healthz and /metrics), scheduler 3004 (serves only /healthz,
# /readyz and /metrics), event-delivery 3005 (the same), provider-sim 3010 (a test stand-in: never deploy it to production). PORT
# is what the image exposes and health-checks; each service listens on its own <SERVICE>_PORT
# setting, whose default is that port.
#
# Services run compiled JavaScript (`node dist/main.js`, no TypeScript at run time): the `build`
# stage installs everything and runs `pnpm build` (identical for every service, so Docker builds it
# once); the runtime image holds the production dependencies of the service and its workspace
# packages, their package.json files and dist/ folders, and (campaign-api) the dashboard's static files.
#
# The campaign-api image is also the migration image (docker-compose `migrate`, k8s Job
# `dialer-migrate`):
#   docker run --rm -w /app -e DATABASE_URL=... dialer/campaign-api:local node packages/db/dist/cli/migrate.js
# which is what `pnpm migrate` runs from the sources.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# pnpm: the base of the install and build stages.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS pnpm
ARG PNPM_VERSION=12.21.0
RUN npm install -g pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# manifests: the workspace's package.json files and lockfile alone, so the install layers below
# are rebuilt only when a manifest or the lockfile changes. Every workspace package.json is copied,
# also of the packages a service does not use, so pnpm sees the same workspace as the lockfile.
# ---------------------------------------------------------------------------------------------
FROM pnpm AS manifests
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/calls/package.json packages/calls/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/platform/package.json packages/platform/
COPY packages/providers/package.json packages/providers/
COPY packages/queue/package.json packages/queue/
COPY packages/testing/package.json packages/testing/
COPY services/campaign-api/package.json services/campaign-api/
COPY services/dialer-worker/package.json services/dialer-worker/
COPY services/event-delivery/package.json services/event-delivery/
COPY services/metrics-aggregator/package.json services/metrics-aggregator/
COPY services/provider-sim/package.json services/provider-sim/
COPY services/scheduler/package.json services/scheduler/
COPY services/webhook-ingest/package.json services/webhook-ingest/
COPY apps/dashboard/package.json apps/dashboard/

# ---------------------------------------------------------------------------------------------
# build: full install (dev dependencies included) and `pnpm build`: tsc -b over tsconfig.build.json
# (every package and service → its dist/) and the dashboard's vite build (apps/dashboard/dist).
# ---------------------------------------------------------------------------------------------
FROM manifests AS build
RUN --mount=type=cache,id=dialer-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store
COPY tsconfig.base.json tsconfig.build.json ./
COPY packages ./packages
COPY services ./services
COPY apps/dashboard ./apps/dashboard
RUN pnpm build

# ---------------------------------------------------------------------------------------------
# deps: the production dependencies of the service and its workspace packages, nothing else.
# ---------------------------------------------------------------------------------------------
FROM manifests AS deps
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<service>" >&2 && exit 1)
RUN --mount=type=cache,id=dialer-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --filter "@dialer/${SERVICE}..."

# ---------------------------------------------------------------------------------------------
# files: the compiled output the service runs, gathered in /out with the repository's layout: the
# dist/ of the service and of each workspace package it depends on in production (--filter-prod
# ignores devDependencies), and for campaign-api the dashboard it serves at / (DASHBOARD_DIR
# defaults to /app/apps/dashboard/dist).
# ---------------------------------------------------------------------------------------------
FROM build AS files
ARG SERVICE
RUN pnpm --filter-prod "@dialer/${SERVICE}..." exec sh -c 'd="${PWD#/app/}"; mkdir -p "/out/$d" && cp -R dist "/out/$d/"' \
 && rm -f /out/*/*/dist/tsconfig.tsbuildinfo \
 && if [ "${SERVICE}" = campaign-api ]; then mkdir -p /out/apps/dashboard && cp -R apps/dashboard/dist /out/apps/dashboard/; fi

# ---------------------------------------------------------------------------------------------
# runtime: plain Node on compiled JavaScript, as the unprivileged `node` user (uid 1000). Files
# stay owned by root (read-only for the process), so the root filesystem can be mounted read-only;
# the only writable path is the import directory (a volume).
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT=3000
# No NODE_PATH into pnpm's hidden hoist directory: every module a package's sources import is one
# of its declared dependencies (test/deploy/compiled-build.test.ts checks it), so the production
# install is complete as it is.
ENV NODE_ENV=production \
    HEALTHCHECK_PORT=${PORT}
WORKDIR /app
COPY --from=deps /app ./
COPY --from=files /out ./
RUN mkdir -p /var/lib/dialer/imports && chown node:node /var/lib/dialer/imports

USER node
WORKDIR /app/services/${SERVICE}
EXPOSE ${PORT}
STOPSIGNAL SIGTERM
# HEALTHCHECK_PORT: set it too when the service's own <SERVICE>_PORT is changed at run time.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTHCHECK_PORT + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One process (no wrapper), so SIGTERM reaches the service's graceful shutdown directly.
CMD ["node", "dist/main.js"]
