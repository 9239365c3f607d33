# syntax=docker/dockerfile:1
# autograde: the HTTP service with its grading workers (embedded SQLite under /data).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for the native modules (isolated-vm, better-sqlite3) when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# As .ci/run does: a clean install with the native install scripts allowed in package.json.
RUN npm ci --no-audit --no-fund
# Fail the build, not the first submission, if a native module does not load.
RUN node --no-node-snapshot -e " \
  const ivm = require('isolated-vm'); \
  const iso = new ivm.Isolate({ memoryLimit: 16 }); \
  if (iso.compileScriptSync('6*7').runSync(iso.createContextSync()) !== 42) throw new Error('isolated-vm'); \
  const Db = require('better-sqlite3'); \
  if (new Db(':memory:').prepare('select 42 as x').get().x !== 42) throw new Error('better-sqlite3'); \
  require('esbuild').transformSync('const x: number = 1', { loader: 'ts' });"
COPY . .
RUN npx tsc --noEmit -p . && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV HOST=0.0.0.0 \
    PORT=3000 \
    AUTOGRADE_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system autograde \
 && useradd --system --gid autograde --home-dir /app --shell /usr/sbin/nologin autograde \
 && mkdir -p /data && chown autograde:autograde /data
COPY --from=build --chown=root:root /app /app
USER autograde
VOLUME ["/data"]
EXPOSE 3000
# Grading workers are child processes the sandbox pool starts with --no-node-snapshot (isolated-vm
# on Node 20 needs it); the HTTP process itself never loads isolated-vm. The flag is also set here
# so any process in the image that does load it works.
ENV NODE_OPTIONS=--no-node-snapshot
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "server/main.ts"]
