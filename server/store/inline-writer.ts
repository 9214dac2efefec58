import type { Database } from "bun:sqlite";
import { BatchExecutor } from "./batch-executor.ts";
import type { WalSync } from "./wal-sync.ts";
import { BatchingWriter } from "./writer.ts";
import type { BatchResult, Entry } from "./writes.ts";

/**
 * Commits batches on the main thread's own connection: for `:memory:` databases (tests)
 * and the CLI. With `wal`, a batch commits with synchronous=NORMAL and is acknowledged
 * after the WAL's fsync on the thread pool (see wal-sync.ts); the connection stays FULL
 * for every other write.
 *
 * While that fsync runs, batches are parked and committed together, in one transaction,
 * when it returns: they would wait for the next fsync anyway, and a commit costs about the
 * same whatever the number of rows (its pages written to the WAL: about 0.15 ms of CPU, 10%
 * of a small request's in the profile, when every event-loop turn committed its own).
 */
export class InlineWriter extends BatchingWriter {
  private readonly executor: BatchExecutor;
  private parked: { entries: Entry[]; done: (r: BatchResult) => void; fail: (e: unknown) => void }[] = [];
  /** SQL transactions committed (a parked group of batches is one). */
  transactions = 0;

  constructor(
    private readonly sqlite: Database,
    private readonly wal: WalSync | null = null,
  ) {
    super();
    this.executor = new BatchExecutor(sqlite);
  }

  protected commit(entries: Entry[]): Promise<BatchResult> {
    const wal = this.wal;
    if (!wal?.busy) return this.commitNow(entries);
    return new Promise((done, fail) => {
      if (this.parked.push({ entries, done, fail }) === 1) void wal.settled().then(() => this.unpark());
    });
  }

  /** Commits every parked batch in one transaction; each is told its own entries' failures. */
  private async unpark(): Promise<void> {
    const parked = this.parked;
    this.parked = [];
    try {
      const { failed } = await this.commitNow(parked.flatMap((p) => p.entries));
      let offset = 0;
      for (const p of parked) {
        const end = offset + p.entries.length;
        p.done({
          failed: failed.filter(([i]) => i >= offset && i < end).map(([i, why]) => [i - offset, why]),
        });
        offset = end;
      }
    } catch (err) {
      for (const p of parked) p.fail(err);
    }
  }

  private async commitNow(entries: Entry[]): Promise<BatchResult> {
    // Not a prepared statement: SQLite applies this pragma when it compiles it.
    if (this.wal) this.sqlite.run("PRAGMA synchronous = NORMAL");
    let result: BatchResult;
    try {
      result = this.executor.run(entries);
      this.transactions++;
    } finally {
      if (this.wal) this.sqlite.run("PRAGMA synchronous = FULL");
    }
    try {
      await this.wal?.sync();
    } catch (err) {
      // The batch is committed (its callers' charges are in the table): answering them as
      // failed would make memory disagree with the table. What cannot be promised is that
      // it survives a power loss; say so loudly.
      console.error(
        JSON.stringify({
          level: "error",
          msg: "fsync of the WAL failed: recent commits may not survive a power loss",
          error: String(err),
        }),
      );
    }
    return result;
  }

  async close(): Promise<void> {
    await this.idle();
    this.wal?.close();
  }
}
