# Tollgate as a container: the single-file binary on a minimal runtime image.
#   docker build -t tollgate .
#   docker run -d --name tollgate -p 8000:8000 -v tollgate-data:/data --stop-timeout 35 \
#     -e TOLLGATE_ADMIN_TOKEN=... tollgate
# A tollgate.yaml in the volume (/data/tollgate.yaml) is read at start; CLI commands run
# in the container with the same environment: docker exec tollgate tollgate keys list

# 1. Build: install the locked packages (they bring Bun), build the panel, compile.
# `npm install`, not `npm ci`: the lockfile lacks some optional per-platform entries (biome's
# non-linux builds) and npm ci refuses it; every dependency is pinned exactly anyway.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build -- --host-only \
 && ./dist/tollgate --version \
 && mkdir -p /out/data

# 2. Run: glibc and CA certificates (for HTTPS upstreams) and nothing else; no shell.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/dist/tollgate /usr/local/bin/tollgate
# An empty /data owned by the non-root user, so a new named volume is writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV HOST=0.0.0.0 \
    BUN_CONFIG_MAX_HTTP_REQUESTS=65535 \
    PORT=8000 \
    TOLLGATE_DB=/data/tollgate.db
VOLUME ["/data"]
EXPOSE 8000
# The image has no curl: the binary checks its own /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/tollgate", "health"]
ENTRYPOINT ["/usr/local/bin/tollgate"]
CMD ["serve"]
