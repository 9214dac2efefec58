/**
 * Reading PostgreSQL's errors as Bun's client reports them. An error the server answered
 * carries its SQLSTATE; one Drizzle wrapped carries it on its cause.
 */

/** The SQLSTATE of an error PostgreSQL itself answered (through Drizzle's wrapper), else null. */
export function sqlState(err: unknown, depth = 0): string | null {
  const e = err as { code?: unknown; errno?: unknown; cause?: unknown } | null;
  if (e?.code === "ERR_POSTGRES_SERVER_ERROR" && typeof e.errno === "string") return e.errno;
  return e?.cause && depth < 3 ? sqlState(e.cause, depth + 1) : null;
}

/** A connection exception (08) or the server shutting down or starting (57P): it is away, whatever was sent. */
export function serverAway(state: string | null): boolean {
  return state !== null && (state.startsWith("08") || state.startsWith("57P"));
}

/** read_only_sql_transaction: a standby (after a failover) or a database set read-only. */
export const READ_ONLY = "25006";
