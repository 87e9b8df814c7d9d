# One image for every Aiki service; the command picks the service (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production AIKI_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# The gateway's node flags: cluster/services.ts (SERVICE_FLAGS). Overridden per service: dist/subgraphs/ledger/main.js, dist/subgraphs/mainchain/main.js, dist/cli/aiki.js
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=15", "dist/gateway/main.js"]
