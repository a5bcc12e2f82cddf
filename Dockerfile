# syntax=docker/dockerfile:1
# Multi-stage build: the toolchain (python3, make, g++ for hnswlib-node) stays in the
# deps stage; the ONNX backbone and the Next build are made at image build time. The
# runtime image keeps node_modules whole because the same image also runs the offline
# CLIs (catalog:build, train via tsx) in compose's `catalog` service.
# The catalog is a volume (/data/catalog: CURRENT, generations/<id>/, images/, see
# data/README.md): build it with `docker compose run --rm catalog` (see compose.yaml).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# hnswlib-node compiles at install (allowScripts in package.json).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && npm ci --no-audit --no-fund \
  && rm -rf /var/lib/apt/lists/*

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
# Converts the Keras ResNet50 weights shipped in node_modules to models/*.onnx. The int8 variant
# is calibrated on the data set's photos, which only compose's `catalog` service mounts: it is
# built there (docs/decisions/0011).
RUN npm run model:build -- --fp32-only && npx next build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 \
  CATALOG_DIR=/data/catalog CACHE_DIR=/data/cache MODELS_DIR=/app/models
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /api/health is 200 once model and catalog are loaded, 503 `not_ready` before the catalog is built.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Node itself, not npx: SIGTERM from `docker stop` reaches Next directly (compose adds an init).
CMD ["node", "node_modules/next/dist/bin/next", "start"]
