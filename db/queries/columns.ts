import { getTableColumns, Param, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

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

/** Prepares on first use: a statement is only compiled on a connection that runs it. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
