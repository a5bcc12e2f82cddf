# syntax=docker/dockerfile:1
# Multi-stage build: dependencies and the ONNX model are built once, the runtime
# image holds only what `next start` needs. The catalog (data/) is a volume:
# build it with `docker compose run --rm catalog` (see compose.yaml).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# hnswlib-node compiles at install (allowScripts in package.json).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && npm ci --no-audit --no-fund \
  && rm -rf /var/lib/apt/lists/*

FROM deps AS build
COPY . .
# Converts the Keras ResNet50 weights shipped in node_modules to models/*.onnx.
RUN npm run model:build && npx next build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=3000 CATALOG_DIR=/data/catalog CACHE_DIR=/data/cache MODELS_DIR=/app/models
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["npx", "next", "start"]
