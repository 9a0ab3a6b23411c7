# syntax=docker/dockerfile:1
# The workspace-gitops image: the daemon by default, any command on request.
#   docker build -t workspace-gitops .
#   docker run -v wsgo-data:/data -p 9464:9464 \
#     -e WORKSPACE_GITOPS_REPO=https://github.com/acme/desktops.git \
#     -e HUAWEICLOUD_SDK_AK -e HUAWEICLOUD_SDK_SK -e WORKSPACE_GITOPS_WEBHOOK_SECRET workspace-gitops
# See docs/gitops.md. The test suite checks the production install below without Docker (test/install.test.ts).
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile the TypeScript with the full toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# 2. Production dependencies only. No install scripts run: no runtime dependency needs one, and the
#    `prepare` script would try to compile without the toolchain.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. The runtime: node, git for the daemon's git source, the compiled CLI; nothing else.
FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    WORKSPACE_GITOPS_SCHEDULE="*/5 * * * *"
WORKDIR /app
COPY package.json ./
COPY bin ./bin
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The state, its journal and lock, and the daemon's git cache live in /data, outside the image.
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: triggers stop, the run in progress journals its orders, exit 0.
ENTRYPOINT ["node", "/app/bin/workspace-gitops.js"]
CMD ["daemon", "--listen", "0.0.0.0:9464", "--cache-dir", "/data/checkout", "--state", "file:/data/state/state.json"]
