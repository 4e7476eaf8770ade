# One image for the three apps (api, ingestion-worker, rating-worker); docker-compose.yml picks the entry point.
#   docker build -t credit .
#   docker run --rm -p 3000:3000 -e HOST=0.0.0.0 credit        # the API, embedded stores
#
# `npm run build` (tsc) writes dist/apps/<app>/src/main.js and keeps the `@app/*` import aliases of
# tsconfig.json, so the apps run with `-r tsconfig-paths/register` and TS_NODE_BASE_URL=./dist.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# production dependencies only, plus tsconfig-paths (a dev dependency) at the version of the lock file
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm install --no-save --omit=dev --no-audit --no-fund \
      "tsconfig-paths@$(node -p "require('./package-lock.json').packages['node_modules/tsconfig-paths'].version")"

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    TS_NODE_BASE_URL=./dist \
    TS_NODE_PROJECT=./tsconfig.json
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json tsconfig.json ./
USER node
EXPOSE 3000
# --no-memory-reducer: see docs/operations.md, "The API's runtime flags".
CMD ["node", "--no-memory-reducer", "-r", "tsconfig-paths/register", "dist/apps/api/src/main.js"]
