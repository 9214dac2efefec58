import type { PgEngine } from "../store/pg-engine.ts";
import type { SqliteEngine } from "../store/sqlite-engine.ts";

export type Row = Record<string, unknown>;

/**
 * Runs one SQL statement on either engine, for tests that look at the books directly
 * (what a column holds, a sum over the ledger). Write it in the SQL both dialects share,
 * with `?` placeholders. PostgreSQL's answers are brought to SQLite's shapes: bigint and
 * numeric come back from Bun.SQL as strings (here numbers again, as Drizzle's `mode:
 * "number"` does), jsonb as parsed values (here JSON text again, as SQLite stores it).
 */
export async function runSql(
  engine: SqliteEngine | PgEngine,
  query: string,
  params: unknown[],
): Promise<Row[]> {
  if (engine.kind === "sqlite") return engine.sqlite.query(query).all(...(params as never[])) as Row[];
  let n = 0;
  const rows = (await engine.client.unsafe(
    query.replace(/\?/g, () => `$${++n}`),
    params,
  )) as Row[];
  return [...rows].map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, sqliteShaped(v)])));
}

function sqliteShaped(v: unknown): unknown {
  if (typeof v === "string" && /^-?\d{1,16}$/.test(v)) return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v !== null && typeof v === "object" && !(v instanceof Date) && !(v instanceof Uint8Array))
    return JSON.stringify(v);
  return v;
}
