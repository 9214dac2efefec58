import type { Statement } from "bun:sqlite";
import { getTableColumns, is, Param, Placeholder, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Conn } from "../client.ts";

/**
 * A row with every column of its table spelled out, none left to its default. Rows the
 * gateway writes are built as this type, so a column added to the schema is a compile
 * error where the row is built instead of a value silently never written; and a row that
 * still lacks one at run time fails its write ("No value for placeholder").
 */
export type FullRow<T extends SQLiteTable> = Required<T["$inferInsert"]>;

/**
 * The values of a prepared insert of every column of `table`, each a placeholder named
 * after the column's key: run it with a `FullRow`. Each value goes through its column's
 * encoder (JSON, boolean), except that null stays NULL: for a placeholder Drizzle would
 * encode null too, and a JSON column would get the text "null".
 */
export function everyColumn<T extends SQLiteTable>(table: T): { [K in keyof T["$inferInsert"]]-?: SQL } {
  const values: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const encoder = { mapToDriverValue: (v: unknown) => (v === null ? null : column.mapToDriverValue(v)) };
    values[key] = sql`${new Param(sql.placeholder(key), encoder)}`;
  }
  return values as { [K in keyof T["$inferInsert"]]-?: SQL };
}

/**
 * An insert of every column of `table` (everyColumn), prepared once by Drizzle from the
 * schema, run without Drizzle's per-call work. Drizzle's `run` maps every parameter through
 * `fillPlaceholders`, which tests each one's class by walking its prototype chain: for the
 * hot path's two inserts (the request log row, the ledger entry), about 2% of a small
 * request's CPU. Here the parameters are read once: each value is the row's field of that
 * name through the column's encoder, in Drizzle's order, with the same error for a missing one.
 */
export function insertEveryColumn<T extends SQLiteTable>(db: Conn, table: T): (row: FullRow<T>) => void {
  const prepared = db.insert(table).values(everyColumn(table)).prepare() as unknown as {
    stmt: Statement;
    query: { params: unknown[] };
  };
  const names: string[] = [];
  const encoders: ((v: unknown) => unknown)[] = [];
  for (const p of prepared.query.params) {
    if (!(is(p, Param) && is(p.value, Placeholder)))
      throw new Error("insertEveryColumn: every value must be a placeholder (everyColumn)");
    names.push((p.value as Placeholder).name);
    encoders.push((v) => p.encoder.mapToDriverValue(v));
  }
  const { stmt } = prepared;
  const n = names.length;
  return (row) => {
    const values = row as Record<string, unknown>;
    const args: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      if (!(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
      args[i] = encoders[i]!(values[name]);
    }
    stmt.run(...(args as never[]));
  };
}

/** Prepares on first use: a statement is only compiled on a connection that runs it. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
