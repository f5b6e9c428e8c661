# syntax=docker/dockerfile:1
# Fieldbeat production image: Node 22 LTS, production dependencies only, non-root, health-checked.
#   docker compose up -d           (compose.yaml: the app + PostgreSQL/PostGIS)
# The runtime folder is assembled by scripts/docker/assemble-runtime.sh, the same script the test suite runs
# without Docker (tests/deploy), so what the image holds is tested on every CI run.

FROM node:22-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN sh scripts/docker/assemble-runtime.sh /app

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 UPLOADS_DIR=/data/uploads PGLITE_DATA_DIR=/data/pglite
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data/uploads /data/pglite && chown -R node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
# Liveness: the app answers and its database does (no curl in the slim image: Node's fetch).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations first (safe with many instances starting at once: an advisory lock serialises them; a no-op
# when current), then the production server, which handles SIGTERM itself (exec: it is PID 1's only child).
CMD ["sh", "-c", "node --conditions=react-server dist/migrate.mjs && exec node --max-old-space-size=192 scripts/start.mjs"]
