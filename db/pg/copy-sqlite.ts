import type { Database } from "bun:sqlite";
import type { SQL } from "bun";
import { type Column, getTableName, is, Table } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import * as sqliteSchema from "../schema/index.ts";

/**
 * Copies every table of a SQLite database into PostgreSQL (`tollgate migrate-db`). Tables go
 * in foreign-key order, each read in `rowid` order in batches, so a request log of millions
 * of rows is never held in memory. The ledger's commit order (`position` of ledger_entries
 * and of the log rows that carry a charge) is copied as it is, and the ledger's sequence is
 * then moved past it (`ledgerSequencePast`), so what PostgreSQL numbers next comes after. Values cross as they are stored:
 * provider secrets stay sealed ciphertext (the target needs the same TOLLGATE_SECRET), money
 * and times stay integers. Booleans (0/1) and JSON text become PostgreSQL booleans and jsonb.
 */
export type TableCopy = { table: string; rows: number };

type Conv = (v: unknown) => unknown;
const CONVERT: Record<string, Conv> = {
  SQLiteBoolean: (v) => (v === null ? null : v !== 0),
  SQLiteTextJson: (v) => (v === null ? null : JSON.parse(v as string)),
};

type Spec = { name: string; columns: { name: string; convert: Conv | null }[] };

/** Every table of the SQLite schema, parents before the tables that reference them. */
export function tablesInOrder(): Spec[] {
  const tables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, Table));
  const deps = new Map(
    tables.map((t) => [
      getTableName(t),
      getTableConfig(t)
        .foreignKeys.map((f) => getTableName(f.reference().foreignTable))
        .filter((n) => n !== getTableName(t)),
    ]),
  );
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const d of deps.get(name) ?? []) visit(d);
    order.push(name);
  };
  for (const name of [...deps.keys()].sort()) visit(name);
  const byName = new Map(tables.map((t) => [getTableName(t), t]));
  return order.map((name) => ({
    name,
    columns: getTableConfig(byName.get(name) as SQLiteTable).columns.map((c: Column) => ({
      name: c.name,
      convert: CONVERT[c.columnType] ?? null,
    })),
  }));
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables of the target that already hold rows (a non-empty target is refused unless replaced). */
export async function nonEmptyTables(pg: SQL): Promise<string[]> {
  const out: string[] = [];
  for (const t of tablesInOrder()) {
    const [row] = await pg.unsafe(`SELECT EXISTS (SELECT 1 FROM ${q(t.name)}) AS any`);
    if (row?.any) out.push(t.name);
  }
  return out;
}

/** Empties every table of the target (for `--replace`), identity counters included. */
export async function emptyTables(pg: SQL): Promise<void> {
  await pg.unsafe(
    `TRUNCATE ${tablesInOrder()
      .map((t) => q(t.name))
      .join(", ")} RESTART IDENTITY CASCADE`,
  );
}

/**
 * Copies all rows; run it inside one PostgreSQL transaction (`pg` is the transaction) and one
 * SQLite read transaction, so the copy is one consistent snapshot and lands whole or not at all.
 */
export async function copyTables(
  sqlite: Database,
  pg: SQL,
  opts: { batch?: number; progress?: (table: string, rows: number) => void } = {},
): Promise<TableCopy[]> {
  const batch = opts.batch ?? 1000;
  const done: TableCopy[] = [];
  for (const t of tablesInOrder()) {
    const cols = t.columns.map((c) => q(c.name)).join(", ");
    const read = sqlite.query(
      `SELECT rowid AS "__rowid", ${cols} FROM ${q(t.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    // One parameter per batch: the rows as a JSON array, typed by the table's own row type.
    // ORDER BY ordinality keeps rowid order, so identity columns number the rows in it.
    // OVERRIDING SYSTEM VALUE: ledger_entries' position is an identity, here copied as it is.
    const insert = `INSERT INTO ${q(t.name)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM jsonb_populate_recordset(NULL::${q(t.name)}, $1::text::jsonb) WITH ORDINALITY AS r ORDER BY r.ordinality`;
    let after = 0;
    let rows = 0;
    for (;;) {
      const page = read.all(after, batch) as Record<string, unknown>[];
      if (page.length === 0) break;
      const out = page.map((r) => {
        const o: Record<string, unknown> = {};
        for (const c of t.columns) o[c.name] = c.convert ? c.convert(r[c.name]) : r[c.name];
        return o;
      });
      await pg.unsafe(insert, [JSON.stringify(out)]);
      after = (page[page.length - 1] as { __rowid: number }).__rowid;
      rows += page.length;
      opts.progress?.(t.name, rows);
    }
    done.push({ table: t.name, rows });
  }
  await ledgerSequencePast(pg);
  return done;
}

/**
 * Moves the ledger's sequence (migration 0007: it numbers ledger_entries and the log rows
 * that carry a charge) past the highest position copied.
 */
async function ledgerSequencePast(pg: SQL): Promise<void> {
  await pg.unsafe(
    `SELECT setval('ledger_entries_position_seq', coalesce(max(p), 0) + 1, false)
       FROM (SELECT max(position) AS p FROM ledger_entries
             UNION ALL SELECT max(position) FROM request_log WHERE position IS NOT NULL) AS m`,
  );
}

/**
 * Runs `fn` inside one read transaction of the SQLite source, so every table is read from
 * the same snapshot even while a server still writes in WAL mode.
 */
export async function inSnapshot<T>(sqlite: Database, fn: () => Promise<T>): Promise<T> {
  sqlite.run("BEGIN");
  try {
    return await fn();
  } finally {
    sqlite.run("COMMIT");
  }
}
