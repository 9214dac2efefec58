/** A loopback TCP port free right now (for servers that cannot be told to pick their own, such as PostgreSQL and Redis). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
