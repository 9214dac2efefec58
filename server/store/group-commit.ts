import type { Database } from "bun:sqlite";

export type WriteOp = () => void;

/**
 * Group commit: writes queued during one turn of the event loop run in a single
 * IMMEDIATE transaction (one fsync for many requests). `enqueue` resolves only after the
 * transaction committed, so a caller that awaits it before sending a response's last
 * byte keeps the durability promise: the client never sees an end that is not on disk.
 */
export class GroupCommit {
  private pending: { op: WriteOp; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  /** Called after a failed batch so in-memory state can be rebuilt from the database. */
  onFailure: (err: unknown) => void = () => {};
  batches = 0;
  ops = 0;

  constructor(private readonly sqlite: Database) {}

  enqueue(op: WriteOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued now, synchronously (before a reload or at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const failed = new Map<(typeof batch)[number], unknown>();
    try {
      this.sqlite
        .transaction(() => {
          for (const item of batch) {
            // Each op in its own savepoint: one bad write fails alone, not the batch.
            try {
              this.sqlite.transaction(item.op)();
            } catch (err) {
              failed.set(item, err);
            }
          }
        })
        .immediate();
      this.batches++;
      this.ops += batch.length;
      for (const item of batch) {
        if (failed.has(item)) item.reject(failed.get(item));
        else item.resolve();
      }
      if (failed.size > 0) this.onFailure([...failed.values()][0]);
    } catch (err) {
      for (const item of batch) item.reject(err);
      this.onFailure(err);
    }
  }

  get size(): number {
    return this.pending.length;
  }
}
