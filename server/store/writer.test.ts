import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDb, openDb } from "../../db/client.ts";
import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { blankLogRow } from "../testing/log-row.ts";
import { InlineWriter } from "./inline-writer.ts";
import { ThreadWriter } from "./thread-writer.ts";
import { WalSync } from "./wal-sync.ts";
import type { Writer } from "./writer.ts";
import type { Entry } from "./writes.ts";

/** A request-log row whose id is `v`: ids are unique, so writing one twice fails. */
const row = (v: number): Entry => [{ op: "request_log.insert", row: blankLogRow(String(v), v) }];

function migrated(path: string, sync: "full" | "normal" = "full"): Database {
  const { sqlite, db } = openDb(path, { sync });
  migrateDb(db, DEFAULT_MIGRATIONS);
  return sqlite;
}

function fileDb(): { path: string; db: Database } {
  const path = join(mkdtempSync(join(tmpdir(), "writer-")), "t.db");
  return { path, db: migrated(path) };
}

const count = (db: Database) => (db.query("SELECT count(*) AS n FROM request_log").get() as { n: number }).n;

async function behaves(writer: Writer, db: Database) {
  // One loop turn, one batch; each promise resolves only once its entry is committed.
  await Promise.all([1, 2, 3].map((v) => writer.enqueue(row(v))));
  expect(count(db)).toBe(3);
  expect(writer.stats).toEqual({ batches: 1, entries: 3 });
  // A failing entry fails alone; the rest of its batch commits.
  const failures: unknown[] = [];
  writer.onFailure = (e) => failures.push(e);
  const ok = writer.enqueue(row(10));
  const dup = writer.enqueue(row(1));
  const ok2 = writer.enqueue([...row(11), ...row(12)]);
  const bad = writer.enqueue([...row(13), ...row(2)]); // atomic: 13 must not land either
  await ok;
  await ok2;
  await expect(dup).rejects.toThrow("UNIQUE");
  await expect(bad).rejects.toThrow("UNIQUE");
  expect(
    db
      .query("SELECT created_at AS v FROM request_log ORDER BY created_at")
      .all()
      .map((r) => (r as { v: number }).v),
  ).toEqual([1, 2, 3, 10, 11, 12]);
  expect(failures).toHaveLength(1);
  expect(writer.pending).toBe(0);
  await writer.close();
}

describe("writers", () => {
  test("inline: batches per loop turn, failed entries alone and atomic", async () => {
    const db = migrated(":memory:");
    await behaves(new InlineWriter(db), db);
  });

  test("inline with a WAL fsync: NORMAL inside the batch, FULL after; acknowledged only after the fsync", async () => {
    const { path, db } = fileDb();
    const wal = new WalSync(`${path}-wal`);
    // An fsync that takes a while: the entry must not be acknowledged before it returns.
    let synced = false;
    const realSync = wal.sync.bind(wal);
    wal.sync = async () => {
      await Bun.sleep(30);
      await realSync();
      synced = true;
    };
    const writer = new InlineWriter(db, wal);
    // What the batch's connection had set when it wrote the row, recorded by a trigger.
    db.run("CREATE TABLE t (v INTEGER)");
    db.run(
      "CREATE TRIGGER seen AFTER INSERT ON request_log BEGIN INSERT INTO t (v) SELECT synchronous FROM pragma_synchronous; END",
    );
    await writer.enqueue(row(1));
    expect(synced).toBe(true);
    expect(wal.syncs).toBeGreaterThanOrEqual(1);
    expect((db.query("SELECT v FROM t").get() as { v: number }).v).toBe(1); // NORMAL during the batch
    expect((db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous).toBe(2); // FULL after
    await writer.close();
  });

  test("thread: the same behaviour on its own connection, off the event loop", async () => {
    const { path, db } = fileDb();
    await behaves(await ThreadWriter.start(path, "full"), db);
  });

  test("thread: a writer that cannot open the database fails to start", async () => {
    await expect(ThreadWriter.start("/nonexistent/dir/t.db", "full")).rejects.toThrow();
  });
});
