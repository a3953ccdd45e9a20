# The rectify worker, dashboard (rectify web) and CLI for docker-compose.yml.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
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
# prepare builds dist/; the Temporal binaries are not needed in this image (the server is its own service).
RUN npm ci && npm prune --omit=dev
ENV NODE_ENV=production
CMD ["node", "dist/client/cli/index.js", "worker"]
