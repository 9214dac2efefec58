/**
 * The PostgreSQL schema is the SQLite one in another dialect: same tables, same columns
 * (name, nullability, default, key, uniqueness, enum values), corresponding types, same
 * indexes and foreign keys. A column added to db/schema and not to db/pg/schema (or the
 * reverse) fails here, before any migration is generated.
 */
import { describe, expect, test } from "bun:test";
import { type Column, getTableName, is, Table } from "drizzle-orm";
import { type PgTable, getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { type SQLiteTable, getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import * as sqliteSchema from "../schema/index.ts";
import * as pgSchema from "./schema/index.ts";

/** Columns only PostgreSQL has, and why (docs/scale-out.md). */
const PG_ONLY: Record<string, string> = {
  "accounts.version": "orders balance updates to the Redis mirror across replicas",
};

/** SQLite column type -> the PostgreSQL SQL type it is stored as. */
const TYPE: Record<string, string> = {
  SQLiteInteger: "bigint",
  SQLiteBoolean: "boolean",
  SQLiteText: "text",
  SQLiteTextJson: "jsonb",
};

const tables = <T extends Table>(schema: Record<string, unknown>) =>
  new Map(
    Object.values(schema)
      .filter((v): v is T => is(v, Table))
      .map((t) => [getTableName(t), t]),
  );

const sqliteTables = tables<SQLiteTable>(sqliteSchema);
const pgTables = tables<PgTable>(pgSchema);

function shape(c: Column) {
  const d = c.default;
  return {
    notNull: c.notNull,
    primary: c.primary,
    unique: c.isUnique,
    default: d === undefined ? undefined : JSON.stringify(d),
    enum: c.enumValues,
  };
}

const indexes = (list: { config: { name?: string; unique: boolean; columns: readonly unknown[] } }[]) =>
  list
    .map((i) => ({
      name: i.config.name ?? "",
      unique: i.config.unique,
      columns: i.config.columns.map((c) => (c as Column).name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

const foreignKeys = (
  list: { reference(): { columns: Column[]; foreignColumns: Column[] }; onDelete?: string }[],
) =>
  list
    .map((f) => {
      const r = f.reference();
      return {
        columns: r.columns.map((c) => c.name),
        references: r.foreignColumns.map((c) => `${getTableName(c.table)}.${c.name}`),
        onDelete: f.onDelete ?? "no action",
      };
    })
    .sort((a, b) => a.columns.join().localeCompare(b.columns.join()));

test("both dialects declare the same tables", () => {
  expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
  expect(sqliteTables.size).toBeGreaterThan(5);
});

describe.each([...sqliteTables.keys()])("%s", (name) => {
  const lite = sqliteConfig(sqliteTables.get(name) as SQLiteTable);
  const pg = pgConfig(pgTables.get(name) as PgTable);
  const pgColumns = new Map(pg.columns.map((c) => [c.name, c]));

  test("same columns, each with the same constraints and a corresponding type", () => {
    const extra = pg.columns.map((c) => c.name).filter((n) => !lite.columns.some((c) => c.name === n));
    expect(extra.filter((n) => !(`${name}.${n}` in PG_ONLY))).toEqual([]);
    for (const c of lite.columns) {
      const twin = pgColumns.get(c.name);
      expect({ column: c.name, present: twin !== undefined }).toEqual({ column: c.name, present: true });
      if (!twin) continue;
      expect({ column: c.name, ...shape(twin) }).toEqual({ column: c.name, ...shape(c) });
      expect({ column: c.name, type: twin.getSQLType() }).toEqual({
        column: c.name,
        type: TYPE[c.columnType] ?? "?",
      });
    }
  });

  test("same indexes, primary keys and foreign keys", () => {
    expect(indexes(pg.indexes)).toEqual(indexes(lite.indexes));
    expect(pg.primaryKeys.map((k) => k.columns.map((c) => c.name))).toEqual(
      lite.primaryKeys.map((k) => k.columns.map((c) => c.name)),
    );
    expect(foreignKeys(pg.foreignKeys)).toEqual(foreignKeys(lite.foreignKeys));
  });
});

test("the columns only PostgreSQL has exist there", () => {
  for (const key of Object.keys(PG_ONLY)) {
    const [table, column] = key.split(".") as [string, string];
    const pg = pgConfig(pgTables.get(table) as PgTable);
    expect({ key, present: pg.columns.some((c) => c.name === column) }).toEqual({ key, present: true });
  }
});
