# Tollgate as a container: the single-file binary on a minimal runtime image.
#   docker build -t tollgate .
#   docker run -d --name tollgate -p 8000:8000 -v tollgate-data:/data --stop-timeout 35 \
#     -e TOLLGATE_ADMIN_TOKEN=... tollgate
# A tollgate.yaml in the volume (/data/tollgate.yaml) is read at start; CLI commands run
# in the container with the same environment: docker exec tollgate tollgate keys list

# 1. Build: install the locked packages (Bun, the server's dependencies and the panel
# toolchain, a devDependency), build the panel, compile. The coding agents the tests drive
# and the benchmark's peers have their own package folders (server/tests/agents,
# bench/peers): nothing here installs them. Only the binary leaves this stage.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -- --host-only \
 && ./dist/tollgate --version \
 && mkdir -p /out/data

# 2. Run: the binary (server, panel, migrations and docs UI embedded), glibc and CA
# certificates (for HTTPS upstreams), nothing else: no node_modules, no shell.
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
