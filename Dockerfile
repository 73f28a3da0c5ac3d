# Confab's container image: `npm start` in a slim runtime with production dependencies only.
# Build: podman build --format docker -t confab .   (or docker build -t confab .)
# Run:   podman run -p 8080:8080 -v confab-data:/data confab
ARG BASE=node:22-bookworm-slim

# ---- build: compile the TypeScript and the native modules (better-sqlite3 builds from source) ----
FROM ${BASE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/web/package.json packages/web/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund --ignore-scripts \
  && npm rebuild better-sqlite3 sharp
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
RUN npx tsc -b packages/server packages/client \
  && npm run build -w @confab/web \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/@confab/bench bench \
  && mkdir -p packages/protocol/node_modules packages/client/node_modules packages/server/node_modules

# ---- runtime: the compiled packages and their production dependencies, as a non-root user ----
FROM ${BASE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
RUN (getent group confab || groupadd --system confab) \
  && (id confab || useradd --system --gid confab --home-dir /app --shell /usr/sbin/nologin confab) \
  && mkdir -p /data && chown confab:confab /data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
# A package's own versions, where they differ from the hoisted ones (ajv 8 for the server).
COPY --from=build /app/packages/protocol/node_modules packages/protocol/node_modules
COPY --from=build /app/packages/client/node_modules packages/client/node_modules
COPY --from=build /app/packages/server/node_modules packages/server/node_modules
COPY --from=build /app/packages/protocol/package.json packages/protocol/
COPY --from=build /app/packages/protocol/dist packages/protocol/dist
COPY --from=build /app/packages/client/package.json packages/client/
COPY --from=build /app/packages/client/dist packages/client/dist
COPY --from=build /app/packages/server/package.json packages/server/
COPY --from=build /app/packages/server/dist packages/server/dist
COPY --from=build /app/packages/server/bin packages/server/bin
# The web app, built: the server serves it at / (WEB_DIR's default).
COPY --from=build /app/packages/web/dist packages/web/dist
USER confab
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (stop accepting, answer what was accepted, close sockets with 1001, commit, exit 0);
# node installs its own handler, so it drains even as PID 1 without an init.
STOPSIGNAL SIGTERM
CMD ["node", "packages/server/bin/confab.js", "serve"]
