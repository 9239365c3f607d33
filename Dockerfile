# syntax=docker/dockerfile:1
# autograde: the HTTP service with its grading workers (embedded SQLite under /data), from the
# production build (dist/, `npm run build`): no TypeScript is compiled at run time.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Toolchain for the native modules (isolated-vm, better-sqlite3, the tree-sitter parsers) when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# As .ci/run does: a clean install with the native install scripts allowed in package.json.
RUN npm ci --no-audit --no-fund
# Fail the build, not the first submission, if a native module does not load.
COPY scripts/check-native.cjs scripts/
RUN node scripts/check-native.cjs
COPY . .
RUN npx tsc --noEmit -p . && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV HOST=0.0.0.0 \
    PORT=3000 \
    AUTOGRADE_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system autograde \
 && useradd --system --gid autograde --home-dir /app --shell /usr/sbin/nologin autograde \
 && mkdir -p /data && chown autograde:autograde /data
# What runs: the compiled service and the installed packages (the page, bundled at build time, is in dist/web).
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json /app/
COPY --from=build --chown=root:root /app/node_modules /app/node_modules
COPY --from=build --chown=root:root /app/dist /app/dist
USER autograde
VOLUME ["/data"]
EXPOSE 3000
# Grading workers are child processes the sandbox pool starts with --no-node-snapshot, which
# isolated-vm's README asks for on Node 20 and later; the HTTP process itself never loads
# isolated-vm. The flag is also set here so any process in the image that does load it works.
ENV NODE_OPTIONS=--no-node-snapshot
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
