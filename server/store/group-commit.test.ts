import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { GroupCommit } from "./group-commit.ts";

describe("GroupCommit", () => {
  test("batches writes of one loop turn into one transaction and resolves after commit", async () => {
    const db = new Database(":memory:");
    db.run("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const gc = new GroupCommit(db);
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const all = Promise.all([1, 2, 3].map((v) => gc.enqueue(() => ins.run(v))));
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
    await all;
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 3 });
    expect(gc.batches).toBe(1);
  });

  test("a failing op rejects alone; the rest of the batch commits", async () => {
    const db = new Database(":memory:");
    db.run("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const gc = new GroupCommit(db);
    let failures = 0;
    gc.onFailure = () => failures++;
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const ok1 = gc.enqueue(() => ins.run(1));
    const dup = gc.enqueue(() => ins.run(1));
    const ok2 = gc.enqueue(() => ins.run(2));
    await ok1;
    await ok2;
    await expect(dup).rejects.toThrow();
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 2 });
    expect(failures).toBe(1);
  });

  test("a failed batch is rolled back before its ops run again one by one: no write lands twice", async () => {
    const db = new Database(":memory:");
    db.run("CREATE TABLE c (n INTEGER NOT NULL)");
    db.run("INSERT INTO c (n) VALUES (0)");
    db.run("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const gc = new GroupCommit(db);
    const bump = db.prepare("UPDATE c SET n = n + 1");
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const results = await Promise.allSettled([
      gc.enqueue(() => bump.run()),
      gc.enqueue(() => {
        bump.run();
        ins.run(1);
        ins.run(1); // fails after two writes of its own: both must be undone
      }),
      gc.enqueue(() => bump.run()),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(db.query("SELECT n FROM c").get()).toEqual({ n: 2 });
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
    expect(gc.batches).toBe(1);
  });
});

describe("GroupCommit with a WAL fsync", () => {
  test("commits with synchronous=NORMAL, answers only after the WAL fsync, leaves the connection FULL", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { WalSync } = await import("./wal-sync.ts");
    const path = join(mkdtempSync(join(tmpdir(), "gc-wal-")), "t.db");
    const db = new Database(path);
    db.run("PRAGMA journal_mode = WAL");
    db.run("PRAGMA synchronous = FULL");
    db.run("CREATE TABLE t (v INTEGER PRIMARY KEY)");
    const wal = new WalSync(`${path}-wal`);
    const gc = new GroupCommit(db, wal);
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    let during = -1;
    const p = gc.enqueue(() => {
      during = (db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
      ins.run(1);
    });
    let resolved = false;
    void p.then(() => {
      resolved = true;
    });
    gc.flush();
    // Committed and visible at once; acknowledged only after the fsync ran.
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1 });
    expect(resolved).toBe(false);
    await p;
    expect(wal.syncs).toBeGreaterThanOrEqual(1);
    expect(during).toBe(1); // NORMAL inside the batch
    expect((db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous).toBe(2); // FULL after
    await Promise.all([gc.enqueue(() => ins.run(2)), gc.enqueue(() => ins.run(3))]);
    await gc.idle();
    wal.close();
  });
});
