import type { Database } from "bun:sqlite";
import type { WalSync } from "./wal-sync.ts";

export type WriteOp = () => void;

/**
 * A service that folds many requests' changes into one write per batch (the account
 * balance, a key's spend): ops record into it; `end` writes the totals inside the same
 * transaction, after the ops. For the savepoint fallback, `mark`/`undo` take back what
 * an op that failed had recorded.
 */
export interface BatchParticipant {
  begin(): void;
  mark(): unknown;
  undo(mark: unknown): void;
  end(): void;
}
type Pending = { op: WriteOp; resolve: () => void; reject: (e: unknown) => void };

/**
 * Group commit: writes queued during one turn of the event loop run in a single
 * IMMEDIATE transaction (one fsync for many requests, taken off the event loop). `enqueue` resolves only after the
 * transaction committed, so a caller that awaits it before sending a response's last
 * byte keeps the durability promise: the client never sees an end that is not on disk.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Called after a failed batch so in-memory state can be rebuilt from the database. */
  onFailure: (err: unknown) => void = () => {};
  batches = 0;
  ops = 0;
  /** Built once: bun:sqlite's transaction() makes a new wrapper (defineProperties) per call. */
  private readonly whole: { immediate(batch: Pending[]): void };
  private readonly isolated: { immediate(batch: Pending[], failed: Map<Pending, unknown>): void };

  /**
   * With `wal`, batches commit with synchronous=NORMAL and are acknowledged only after the
   * WAL was fsynced off the event loop (see wal-sync.ts); the connection stays FULL for
   * every other write. Without it, batches use the connection's own setting.
   */
  constructor(
    private readonly sqlite: Database,
    private readonly wal: WalSync | null = null,
  ) {
    this.whole = sqlite.transaction((batch: Pending[]) => {
      for (const p of this.participants) p.begin();
      for (const item of batch) item.op();
      for (const p of this.participants) p.end();
    });
    const savepoint = sqlite.prepare("SAVEPOINT op");
    const release = sqlite.prepare("RELEASE op");
    const rollback = sqlite.prepare("ROLLBACK TO op");
    this.isolated = sqlite.transaction((batch: Pending[], failed: Map<Pending, unknown>) => {
      for (const p of this.participants) p.begin();
      for (const item of batch) {
        const marks = this.participants.map((p) => p.mark());
        savepoint.run();
        try {
          item.op();
          release.run();
        } catch (err) {
          rollback.run();
          release.run();
          this.participants.forEach((p, i) => {
            p.undo(marks[i]);
          });
          failed.set(item, err);
        }
      }
      for (const p of this.participants) p.end();
    });
  }

  private readonly participants: BatchParticipant[] = [];

  participate(p: BatchParticipant): void {
    this.participants.push(p);
  }

  enqueue(op: WriteOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits whatever is queued now, synchronously (before a reload or at shutdown).
   * The whole batch runs in one transaction without savepoints (a savepoint per op cost
   * about as much as the op itself: the profile in docs/benchmark.md). Only when that
   * fails is it rolled back and run again with each op in its own savepoint, so one bad
   * write fails alone, not the batch. An op may therefore run twice: it must only write
   * to the database, never change memory.
   */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const failed = new Map<Pending, unknown>();
    try {
      if (this.wal) this.sqlite.run("PRAGMA synchronous = NORMAL");
      try {
        try {
          this.whole.immediate(batch);
        } catch {
          this.isolated.immediate(batch, failed);
        }
      } finally {
        if (this.wal) this.sqlite.run("PRAGMA synchronous = FULL");
      }
      this.batches++;
      this.ops += batch.length;
      if (failed.size > 0) this.onFailure([...failed.values()][0]);
    } catch (err) {
      for (const item of batch) item.reject(err);
      this.onFailure(err);
      return;
    }
    const settle = () => {
      for (const item of batch) {
        if (failed.has(item)) item.reject(failed.get(item));
        else item.resolve();
      }
    };
    if (!this.wal) {
      settle();
      return;
    }
    this.wal.sync().then(settle, (err: unknown) => {
      // The disk refused the fsync: nothing can be promised durable.
      for (const item of batch) item.reject(err);
      this.onFailure(err);
    });
  }

  /** Resolves once every queued write is committed and durable (shutdown). */
  async idle(): Promise<void> {
    this.flush();
    await this.wal?.idle();
  }

  get size(): number {
    return this.pending.length;
  }
}
