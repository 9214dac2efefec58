import {
  type BatchResult,
  CommitOutcomeUnknown,
  type Committed,
  type Entry,
  type SettledCharge,
} from "./writes.ts";

/**
 * Where group-committed writes go. Entries queued during one turn of the event loop are
 * committed as one batch; `enqueue` resolves only once its entry is committed and
 * durable, so a caller that awaits it before sending a response's last byte keeps the
 * promise that a client never sees an end that is not on disk.
 */
export interface Writer {
  /**
   * Resolves with the entry's charges as PostgreSQL settled them (undefined on SQLite).
   * `ifUnknown`: rows under the entry's own keys (its request's failure row) that PostgreSQL's
   * writer commits before it reads what an entry of unknown outcome charged, so that the entry
   * can no longer commit late (pg-writer.ts `learn`). SQLite's writers never doubt an entry.
   */
  enqueue(entry: Entry, opts?: { ifUnknown?: () => Entry }): Promise<Committed>;
  /** Resolves once everything queued so far is committed (shutdown, tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** After a failed batch, so in-memory state can be rebuilt from the database. */
  onFailure: (err: unknown) => void;
  readonly stats: { batches: number; entries: number };
  /** Entries queued and not yet acknowledged. */
  readonly pending: number;
  /**
   * False while the database is known unreachable (PostgreSQL: pg-reachability.ts): billed
   * calls are refused before the upstream, since their charge could not be committed.
   */
  readonly reachable: boolean;
}

type Waiting = { entry: Entry; resolve: (c: Committed) => void; reject: (e: unknown) => void };

/** The batching both writers share; `commit` is where they differ. */
export abstract class BatchingWriter implements Writer {
  private queue: Waiting[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private unacked = 0;
  onFailure: (err: unknown) => void = () => {};
  readonly stats = { batches: 0, entries: 0 };
  /**
   * Batches committing at once. Past it, new entries wait for one to finish and go together:
   * under load that makes batches larger instead of more (a round trip per batch, not per
   * request). Unbounded by default; PgWriter bounds it.
   */
  protected maxInFlight = Number.POSITIVE_INFINITY;

  protected abstract commit(entries: Entry[]): Promise<BatchResult>;
  /** Each entry's `ifUnknown` rows, as enqueued (built when asked for), where entries can be doubted. */
  protected readonly fences = new WeakMap<Entry, () => Entry>();
  /** Whether an entry's outcome can be unknown (PostgreSQL): only then are fences kept. */
  protected readonly mayDoubt: boolean = false;

  get pending(): number {
    return this.unacked;
  }

  /** A file or a thread in this process: always (PgWriter knows better). */
  get reachable(): boolean {
    return true;
  }

  enqueue(entry: Entry, opts?: { ifUnknown?: () => Entry }): Promise<Committed> {
    if (opts?.ifUnknown && this.mayDoubt) this.fences.set(entry, opts.ifUnknown);
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.unacked++;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  private send(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0 || this.inFlight.size >= this.maxInFlight) return;
    this.queue = [];
    const done = this.commit(batch.map((w) => w.entry)).then(
      (result) => {
        this.stats.batches++;
        this.stats.entries += batch.length;
        const failed = new Map(result.failed);
        const unknown = new Map(result.unknown);
        const settled = result.settled && new Map(result.settled.map((c) => [c.ledgerId, c]));
        batch.forEach((w, i) => {
          const why = failed.get(i);
          const learned = unknown.get(i);
          if (learned) w.reject(new CommitOutcomeUnknown(learned));
          else if (why === undefined) w.resolve(settled && { settled: ownCharges(w.entry, settled) });
          else w.reject(new Error(`write failed: ${why}`));
        });
        if (unknown.size > 0) this.onFailure(new CommitOutcomeUnknown([...unknown.values()][0]!));
        else if (failed.size > 0) this.onFailure(new Error([...failed.values()][0]));
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
        this.onFailure(err);
      },
    );
    const tracked = done.finally(() => {
      this.unacked -= batch.length;
      this.inFlight.delete(tracked);
      // What queued while this batch committed goes now, as one batch.
      if (this.queue.length > 0 && !this.scheduled) this.send();
    });
    this.inFlight.add(tracked);
  }

  async idle(): Promise<void> {
    this.send();
    while (this.inFlight.size > 0 || this.queue.length > 0) {
      await Promise.all([...this.inFlight]);
      this.send();
    }
  }

  abstract close(): Promise<void>;
}

/** An entry's charges among a batch's settled ones. */
function ownCharges(entry: Entry, settled: Map<string, SettledCharge>): SettledCharge[] {
  const own: SettledCharge[] = [];
  for (const w of entry)
    if ("charge" in w) {
      const c = settled.get(w.charge.ledgerId);
      if (c) own.push(c);
    }
  return own;
}
