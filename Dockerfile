# One image for the three services; SERVICE picks which one runs (worker, notifier, gateway).
# The build builds the web apps too (services/console, services/portal: Vite bundles in their
# dist folders), which the gateway serves at /console/ and /portal/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json eslint.config.mjs ./
COPY packages ./packages
COPY services ./services
COPY test/package.json ./test/package.json
RUN npm ci --no-audit --no-fund && npx turbo run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# The containers' health check (docker-compose.yml runs `node deploy/healthcheck.js <service>`).
COPY deploy/healthcheck.js ./deploy/healthcheck.js
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
ENV CONSOLE_DIR=/app/services/console/dist PORTAL_DIR=/app/services/portal/dist
USER node
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
