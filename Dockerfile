# syntax=docker/dockerfile:1
# The server with every provider in this repository (apps/bridge, the host project `pnpm start`
# runs), built from this checkout. Usage: packages/server/README.md, "Docker".
#   docker build -t missive-integrations .

# ---- build: install the workspace, build it, copy out the host project and its production deps
FROM node:24-bookworm-slim AS build
# better-sqlite3 is native: it downloads a prebuilt binary when one fits this Node, else compiles.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Pinned like "packageManager" in package.json (corepack cannot verify pnpm's signatures everywhere).
RUN npm install -g pnpm@10.34.9
WORKDIR /repo
# The dependencies first, from the lockfile alone, so that a source change reuses this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm turbo run build --filter=@missive-integrations/bridge...
# apps/bridge with its production dependencies only; the workspace packages are copied in as they
# are published (their `files`), so the image needs neither pnpm nor the sources.
RUN pnpm --filter=@missive-integrations/bridge deploy --prod --legacy /app

# ---- run
FROM node:24-bookworm-slim
# Memory: two malloc arenas and 2 MB V8 semi-spaces keep the server's peak RSS under load near
# 127 MB instead of 171 MB, at the same ingest rate (`pnpm bench`, server README "Benchmark").
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-semi-space-size=2
WORKDIR /app
# Owned by root and read-only to the server: only DATA_DIR is writable.
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
# The queue (queue.sqlite) and the generated secret.key: keep them across restarts and upgrades.
VOLUME ["/data"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, straight to node: node is PID 1 and gets `docker stop`'s SIGTERM itself, so the server
# finishes requests and deliveries in flight and closes the queue. (npx or a shell in between would
# not pass the signal on, and the container would be killed after the stop timeout.)
ENTRYPOINT ["node", "node_modules/@missive-integrations/server/bin/missive-integrations.js"]
CMD ["start"]
