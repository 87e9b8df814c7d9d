# One image for every Aiki service; the command picks the service (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm ci also generates the GraphQL types (package.json "prepare": npm run codegen), which need the sources.
RUN npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production AIKI_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts: the code generator is a development tool, and dist/ is already built.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# The gateway's node flags: cluster/services.ts (SERVICE_FLAGS). Overridden per service: dist/subgraphs/ledger/main.js, dist/subgraphs/mainchain/main.js, dist/cli/aiki.js
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=15", "dist/gateway/main.js"]
