import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDb, openDb } from "./client.ts";
import { appliedMigrations, backupDatabase } from "./maintenance.ts";

const MIGRATIONS = join(import.meta.dir, "migrations");

function liveDb() {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-backup-"));
  const path = join(dir, "tollgate.db");
  const { sqlite, db } = openDb(path, { sync: "normal" });
  migrateDb(db, MIGRATIONS);
  sqlite.run("INSERT INTO accounts (id, name, balance, created_at) VALUES ('a1', 'committed', 5, 1)");
  return { dir, path, sqlite };
}

const names = (file: string) => {
  const db = new Database(file, { readonly: true });
  const rows = db.query("SELECT name FROM accounts ORDER BY name").all() as { name: string }[];
  db.close();
  return rows.map((r) => r.name);
};

describe("backupDatabase", () => {
  test("copies what is committed while a writer holds an open transaction, without waiting for it", () => {
    const { dir, path, sqlite } = liveDb();
    sqlite.run("BEGIN IMMEDIATE");
    sqlite.run("INSERT INTO accounts (id, name, balance, created_at) VALUES ('a2', 'in-flight', 1, 2)");
    const r = backupDatabase(path, join(dir, "b.db"));
    sqlite.run("COMMIT");
    expect(names(join(dir, "b.db"))).toEqual(["committed"]);
    expect(r.migrations).toBe(appliedMigrations(sqlite));
    expect(r.migrations).toBeGreaterThan(0);
    sqlite.close();
  });

  test("keeps an existing file unless forced, and leaves no partial file behind", () => {
    const { dir, path, sqlite } = liveDb();
    const target = join(dir, "kept.db");
    writeFileSync(target, "not a database");
    expect(() => backupDatabase(path, target)).toThrow("already exists; pass --force");
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
    backupDatabase(path, target, { force: true });
    expect(names(target)).toEqual(["committed"]);
    expect(() => backupDatabase(path, path, { force: true })).toThrow("cannot replace the database");
    expect(() => backupDatabase(join(dir, "missing.db"), join(dir, "x.db"))).toThrow("No database at");
    sqlite.close();
  });
});
