import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDb, openDb } from "../../db/client.ts";
import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { logRowEntry as row, writerBehaves } from "../testing/writer-contract.ts";
import { InlineWriter } from "./inline-writer.ts";
import { ThreadWriter } from "./thread-writer.ts";
import { WalSync } from "./wal-sync.ts";
import { BatchingWriter, type Writer } from "./writer.ts";
import type { BatchResult, Entry } from "./writes.ts";

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

/** The request log's created_at values in order (the writer contract's reader). */
const createdAts = (db: Database) => () =>
  db
    .query("SELECT created_at AS v FROM request_log ORDER BY created_at")
    .all()
    .map((r) => (r as { v: number }).v);
const behaves = (writer: Writer, db: Database) => writerBehaves(writer, createdAts(db), "UNIQUE");

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

  test("inline with a WAL fsync: batches that arrive while it runs commit together after it, each acknowledged after an fsync that followed its commit", async () => {
    const { path, db } = fileDb();
    const order: string[] = [];
    class SlowWal extends WalSync {
      protected override async run(): Promise<void> {
        order.push("fsync");
        await Bun.sleep(30);
        await super.run();
      }
    }
    const writer = new InlineWriter(db, new SlowWal(`${path}-wal`));
    const first = writer.enqueue(row(1));
    await Bun.sleep(5); // the first batch committed, its fsync running
    const later = [writer.enqueue(row(2))];
    await Bun.sleep(1); // another event-loop turn, another batch
    later.push(writer.enqueue(row(3)), writer.enqueue(row(1))); // a duplicate fails alone
    await first;
    const settled = await Promise.allSettled(later);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect(count(db)).toBe(3);
    expect(writer.stats.batches).toBe(3);
    // The two later batches waited for the first fsync, then committed as one, then had their own fsync.
    expect(writer.transactions).toBe(2);
    expect(order).toEqual(["fsync", "fsync"]);
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

describe("a bounded writer (PgWriter's batches at once: two, one among replicas)", () => {
  /** Commits only when told to, recording each batch's size. */
  class Gated extends BatchingWriter {
    readonly sizes: number[] = [];
    readonly gates: (() => void)[] = [];
    constructor(bound = 2) {
      super();
      this.maxInFlight = bound;
    }
    protected commit(entries: Entry[]): Promise<BatchResult> {
      this.sizes.push(entries.length);
      return new Promise((resolve) => this.gates.push(() => resolve({ failed: [] })));
    }
    async close(): Promise<void> {
      await this.idle();
    }
  }
  const tick = () => new Promise((r) => setImmediate(r));

  test("entries arriving while two batches commit go together as the third, once one finishes", async () => {
    const w = new Gated();
    const done: Promise<unknown>[] = [w.enqueue([])];
    await tick();
    done.push(w.enqueue([]));
    await tick();
    for (let i = 0; i < 10; i++) done.push(w.enqueue([]));
    await tick();
    expect(w.sizes).toEqual([1, 1]);
    w.gates[0]!();
    await tick();
    expect(w.sizes).toEqual([1, 1, 10]);
    w.gates[1]!();
    w.gates[2]!();
    await Promise.all(done);
    expect(w.pending).toBe(0);
  });

  test("one at once (a replica among several): what arrives while a batch commits goes as the next, whole", async () => {
    const w = new Gated(1);
    const done: Promise<unknown>[] = [w.enqueue([])];
    await tick();
    for (let i = 0; i < 10; i++) {
      done.push(w.enqueue([]));
      await tick();
    }
    expect(w.sizes).toEqual([1]);
    w.gates[0]!();
    await tick();
    expect(w.sizes).toEqual([1, 10]);
    done.push(w.enqueue([]));
    await tick();
    expect(w.sizes).toEqual([1, 10]);
    w.gates[1]!();
    await tick();
    expect(w.sizes).toEqual([1, 10, 1]);
    w.gates[2]!();
    await Promise.all(done);
    expect(w.pending).toBe(0);
  });

  test("idle() waits for what queued behind the bound too", async () => {
    const w = new Gated();
    const all = [w.enqueue([]), w.enqueue([])];
    await tick();
    all.push(w.enqueue([]));
    let idle = false;
    const waiting = w.idle().then(() => {
      idle = true;
    });
    // Open every gate as batches appear until idle() returns.
    while (!idle) {
      for (const g of w.gates.splice(0)) g();
      await tick();
    }
    await waiting;
    await Promise.all(all);
    expect(w.sizes.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
