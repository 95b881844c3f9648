# syntax=docker/dockerfile:1
#
# One image recipe for every service. Build with the repository root as the context:
#   docker build --build-arg SERVICE=<service> --build-arg PORT=<port> -t dialer/<service>:local .
# services and their ports: campaign-api 3000, webhook-ingest 3001, metrics-aggregator 3002,
# dialer-worker 3003 (serves only /healthz and /metrics), provider-sim 3010 (a test stand-in: never
# deploy it to production). PORT is what the image exposes and health-checks; each service listens on
# its own <SERVICE>_PORT setting, whose default is that port.
#
# Services run their TypeScript sources with tsx (no build step): the image holds the production
# dependencies of the service and its workspace packages, the tsconfig files (tsx reads
# experimentalDecorators from them) and the sources.
#
# The campaign-api image is also the migration image (docker-compose `migrate`, k8s Job
# `dialer-migrate`):
#   docker run --rm -w /app -e DATABASE_URL=... dialer/campaign-api:local \
#     /app/node_modules/.bin/tsx packages/db/src/cli/migrate.ts
# which is what `pnpm migrate` runs (root package.json), without pnpm in the image.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# deps: install only what the service needs (itself and its workspace dependencies), prod only.
# The manifests are copied alone so this layer is rebuilt only when a manifest or the lockfile
# changes. Every workspace package.json is copied, also of the packages not installed, so pnpm
# sees the same workspace as the lockfile.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
ARG SERVICE
ARG PNPM_VERSION=12.21.0
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<service>" >&2 && exit 1)
RUN npm install -g pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app
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
COPY services/metrics-aggregator/package.json services/metrics-aggregator/
COPY services/provider-sim/package.json services/provider-sim/
COPY services/webhook-ingest/package.json services/webhook-ingest/
COPY apps/dashboard/package.json apps/dashboard/
RUN --mount=type=cache,id=dialer-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store --filter "@dialer/${SERVICE}..."

# ---------------------------------------------------------------------------------------------
# dashboard: the web dashboard built once (vite build → apps/dashboard/dist), which campaign-api
# serves at / (DASHBOARD_DIR defaults to /app/apps/dashboard/dist); a few hundred KB of static
# files, copied into every image so the recipe stays one.
# ---------------------------------------------------------------------------------------------
FROM deps AS dashboard
RUN --mount=type=cache,id=dialer-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store --filter "@dialer/dashboard"
COPY apps/dashboard ./apps/dashboard
RUN pnpm --filter @dialer/dashboard build

# ---------------------------------------------------------------------------------------------
# runtime: node_modules from deps + sources; runs as the unprivileged `node` user (uid 1000).
# Files stay owned by root (read-only for the process). tsx caches transpiled files in
# $TMPDIR (/tmp), which must be writable (an emptyDir in Kubernetes).
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT=3000
# NODE_PATH: pnpm's hidden hoist directory, as the tsx bin shim sets it in development, so a
# module a workspace package uses without declaring it still resolves (packages/queue imports
# reflect-metadata without listing it).
ENV NODE_ENV=production \
    TSX_TSCONFIG_PATH=/app/tsconfig.json \
    NODE_PATH=/app/node_modules/.pnpm/node_modules \
    HEALTHCHECK_PORT=${PORT}
WORKDIR /app
COPY --from=deps /app ./
COPY tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services/${SERVICE} ./services/${SERVICE}
COPY --from=dashboard /app/apps/dashboard/dist ./apps/dashboard/dist
# A root-level tsx, as the root package.json scripts expect (`/app/node_modules/.bin/tsx <file>`;
# the campaign-api image runs the migrations this way). The shim resolves its own symlink, so it
# finds the pnpm store from its real location.
RUN mkdir -p node_modules/.bin \
 && ln -sf ../../services/${SERVICE}/node_modules/.bin/tsx node_modules/.bin/tsx \
 && mkdir -p /var/lib/dialer/imports && chown node:node /var/lib/dialer/imports

USER node
WORKDIR /app/services/${SERVICE}
EXPOSE ${PORT}
STOPSIGNAL SIGTERM
# HEALTHCHECK_PORT: set it too when the service's own <SERVICE>_PORT is changed at run time.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTHCHECK_PORT + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One process (no tsx CLI wrapper), so SIGTERM reaches the service's graceful shutdown directly.
CMD ["node", "--import", "tsx", "src/main.ts"]
