import type { SQL } from "bun";

/** The server's version and whether it is a read-only standby (the health probe's one query). */
export async function serverStatus(sql: SQL): Promise<{ version: string; replica: boolean }> {
  const [row] =
    await sql`SELECT current_setting('server_version') AS version, pg_is_in_recovery() AS replica`;
  return { version: String(row?.version ?? ""), replica: row?.replica === true };
}
