# syntax=docker/dockerfile:1
# hotline-sensor image: a build stage compiles node-rdkafka (librdkafka via node-gyp) and the
# TypeScript, a slim runtime stage runs `node dist/src/cli.js` as a non-root user.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

# node-gyp needs python3, make and g++; librdkafka's configure picks up OpenSSL (SSL, SASL/SCRAM)
# and zlib when their headers are present, so KAFKA_SECURITY_PROTOCOL=ssl|sasl_* works.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ pkg-config libssl-dev zlib1g-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so editing the sources does not recompile librdkafka (about a minute and a
# half). --ignore-scripts skips the package's own `prepare` (the build, which needs src/ and
# tsconfig) and the dev-only install scripts (esbuild); node-rdkafka's install script is then run
# on its own. chdb ships prebuilt binaries and has no install step.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild node-rdkafka

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, keeping the compiled addon. librdkafka's source tree and static
# archives are not used at run time (the addon loads build/deps/librdkafka.so.1): drop ~500 MB.
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/node-rdkafka/deps/librdkafka \
           node_modules/node-rdkafka/build/Release/obj.target \
           node_modules/node-rdkafka/build/deps/*.a

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

# Shared libraries the compiled librdkafka links against; CA certificates for Kafka over TLS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    HOTLINE_DATA_DIR=/var/lib/hotline-sensor \
    HOTLINE_HTTP_PORT=8080

WORKDIR /app

# package.json marks the package root: the worker finds schemas/clickhouse (its migrations) from it.
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root schemas ./schemas

# The embedded default (no CLICKHOUSE_URL) keeps chdb data and a generated key under
# HOTLINE_DATA_DIR: the only place the unprivileged user may write.
RUN mkdir -p /var/lib/hotline-sensor && chown node:node /var/lib/hotline-sensor
VOLUME ["/var/lib/hotline-sensor"]

# `node` (uid 1000) comes with the base image.
USER node

EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HOTLINE_HTTP_PORT || '8080') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["run"]
