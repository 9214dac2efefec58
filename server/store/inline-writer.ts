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
 */
export class InlineWriter extends BatchingWriter {
  private readonly executor: BatchExecutor;

  constructor(
    private readonly sqlite: Database,
    private readonly wal: WalSync | null = null,
  ) {
    super();
    this.executor = new BatchExecutor(sqlite);
  }

  protected async commit(entries: Entry[]): Promise<BatchResult> {
    if (this.wal) this.sqlite.run("PRAGMA synchronous = NORMAL");
    let result: BatchResult;
    try {
      result = this.executor.run(entries);
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
