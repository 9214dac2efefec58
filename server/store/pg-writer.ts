import type { PgDb } from "../../db/pg/client.ts";
import { landedIds, settledAlready } from "../../db/pg/queries/landed.ts";
import type { Settled } from "../../db/pg/queries/settle.ts";
import { commitBatch } from "../../db/pg/queries/writes.ts";
import { READ_ONLY, serverAway, sqlState } from "../../db/pg/sql-state.ts";
import type { PgReachability } from "./pg-reachability.ts";
import { BatchingWriter } from "./writer.ts";
import type { BatchResult, Charge, Committed, Entry } from "./writes.ts";

/**
 * The group commit on PostgreSQL (TOLLGATE_DB=postgres://…): each batch is one statement,
 * so one round trip and one transaction, on the pool (db/pg/queries/writes.ts:
 * `tollgate_commit_batch` with the request-log, idempotency and media rows, the batch's
 * charges through `tollgate_settle`, the keys' last uses). An entry's promise resolves
 * after that statement committed, and PostgreSQL commits durably
 * (`synchronous_commit = on`, its default), so the end of an answer is still released only
 * once its charge and log row are on disk. Up to two batches may overlap (one when there are
 * several replicas: `batchesInFlight`), each on a pooled connection; `tollgate_settle` locks
 * rows in a fixed order, so they never deadlock.
 *
 * A batch whose connection failed after it was sent may have committed with only its reply
 * lost (a network cut, a failover), so it is asked about before anything of it runs again
 * (`recover`): what landed resolves as committed, charged once; the rest runs again (ledger
 * ids and the log rows' keys keep anything from applying twice). The asking goes on, with
 * backoff, until `timing.withinMs` after the failure: a pooled connection the server dropped
 * fails the first statement sent on it within milliseconds, and after a failover every one
 * of them may be such a connection. An entry whose outcome is still unknown then is rejected
 * with `CommitOutcomeUnknown` (the client is not told it was not billed), and learns its
 * outcome in the background once PostgreSQL answers again, so the books in memory follow
 * what PostgreSQL holds. What it finds feeds `reachability`, which refuses new billed calls
 * while PostgreSQL is known unreachable; a read-only server (a standby after a failover)
 * counts as unreachable for writes.
 */
/** How many times a batch the server refused as a whole (a SQLSTATE, not the connection) runs again. */
const RESUME_ROUNDS = 2;

/** How long the outcome of a batch whose connection failed is asked for, and how often. */
export type OutcomeTiming = {
  /** From the failure: past it, entries still unknown are rejected as such. */
  withinMs: number;
  /** The first wait between tries; it doubles up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Between background tries for entries whose outcome is still unknown. */
  learnEveryMs: number;
};

export const OUTCOME_TIMING: OutcomeTiming = {
  withinMs: 5000,
  firstDelayMs: 100,
  maxDelayMs: 1000,
  learnEveryMs: 1000,
};

/**
 * How many group-commit batches one replica lets overlap. Alone, two: one commits while the
 * next fills (bench/replicas-pg.ts measured batches of about 2 requests when every tick
 * opened its own transaction). Among several replicas (TOLLGATE_REPLICAS > 1), one each:
 * the deployment then still has about two in flight, and a replica's next batch fills while
 * its last commits, as a lone replica's second does. With two each, n replicas overlapped
 * 2n batches of 1/2n the load, and PostgreSQL paid for every one of them (two replicas,
 * 0.17 → 0.14 commits and 0.173 → 0.152 PostgreSQL CPU-ms per request at saturation;
 * docs/scale-out.md, "Sizing").
 */
export function batchesInFlight(replicas: number): number {
  return replicas > 1 ? 1 : 2;
}

type Doubt = { charges: Charge[]; fence: Entry | undefined; resolve: (c: Committed) => void };

export class PgWriter extends BatchingWriter {
  /** Tests shorten it; the default suits a failover of a few seconds. */
  timing: OutcomeTiming = { ...OUTCOME_TIMING };
  protected override readonly mayDoubt = true;
  /** Entries rejected as unknown, waiting to learn their outcome. */
  private doubts: Doubt[] = [];
  private learning: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Statements `recover` stopped waiting for, still running: learning waits for them. */
  private readonly abandoned = new Set<Promise<void>>();

  constructor(
    private readonly db: PgDb,
    private readonly reachability?: PgReachability,
    inFlight = batchesInFlight(1),
  ) {
    super();
    this.maxInFlight = inFlight;
  }

  /** How many batches may commit at once (batchesInFlight). */
  get batchesAtOnce(): number {
    return this.maxInFlight;
  }

  override get reachable(): boolean {
    return this.reachability?.reachable ?? true;
  }

  protected async commit(entries: Entry[]): Promise<BatchResult> {
    try {
      const result = await commitBatch(this.db, entries, false);
      this.reachability?.answered();
      return result;
    } catch (err) {
      return this.recover(entries, err);
    }
  }

  /**
   * After the batch failed as a whole. The server's own refusal (a SQLSTATE) means nothing of
   * it committed: it runs again, up to RESUME_ROUNDS times. A connection that failed leaves
   * the outcome unknown: each entry's first row is looked up (one found means the entry
   * committed: a batch is one statement, an entry run alone too), it resolves with its
   * charges as committed, and the rest runs again; connection failures are retried with
   * backoff until the deadline, not counted as rounds.
   */
  private async recover(entries: Entry[], first: unknown): Promise<BatchResult> {
    const retry = new Backoff(this.timing, poolSize(this.db) + 1);
    // Per entry: "unknown" (sent, no answer), "run" (known not committed), "landed"
    // (committed, its charges still to read), "done" (settled by a run), "failed".
    const state: State[] = entries.map(() => (sentUnanswered(first) ? "unknown" : "run"));
    const failed = new Map<number, string>();
    const settled: Settled[] = [];
    let last = first;
    let rounds = 0;
    if (readOnly(first)) return this.refusedForWrites(entries, state, failed, settled, first);
    const pick = (s: State) => state.flatMap((x, i) => (x === s ? [i] : []));
    for (;;) {
      try {
        const asked = pick("unknown");
        if (asked.length > 0) {
          const found = await this.within(retry, this.landed(asked.map((i) => entries[i]!)));
          asked.forEach((i, k) => {
            state[i] = found.has(k) ? "landed" : "run";
          });
        }
        const rest = pick("run");
        if (rest.length > 0) {
          let again: Awaited<ReturnType<typeof commitBatch>>;
          try {
            again = await this.within(
              retry,
              commitBatch(
                this.db,
                rest.map((i) => entries[i]!),
                false,
              ),
            );
          } catch (err) {
            if (readOnly(err)) return this.refusedForWrites(entries, state, failed, settled, err);
            if (sentUnanswered(err)) for (const i of rest) state[i] = "unknown";
            throw err;
          }
          settled.push(...again.settled);
          const refused = new Map(again.failed.map(([j, why]) => [rest[j]!, why]));
          for (const i of rest) state[i] = refused.has(i) ? "unknown" : "done";
          // Refused by their keys: the first statement, still running when it was looked up,
          // may have committed since. Looked up again; not there, the refusal is the entry's own.
          const late = [...refused.keys()];
          const found = await this.within(retry, this.landed(late.map((i) => entries[i]!)));
          late.forEach((i, k) => {
            if (found.has(k)) state[i] = "landed";
            else {
              state[i] = "failed";
              failed.set(i, refused.get(i)!);
            }
          });
        }
        const landed = pick("landed");
        settled.push(
          ...(await this.within(
            retry,
            settledAlready(
              this.db,
              landed.flatMap((i) => chargesOf(entries[i]!)),
            ),
          )),
        );
        for (const i of landed) state[i] = "done";
        this.reachability?.answered();
        return { failed: [...failed], settled };
      } catch (err) {
        last = err;
        // Nothing of it may have committed unseen (the server refused, or no connection was
        // made): a few quick rounds, as for any failure, then the batch fails, not billed.
        const doubtful = state.some((x) => x === "unknown" || x === "landed");
        if (!doubtful || !(sentUnanswered(err) || unreachable(err))) {
          if (++rounds > RESUME_ROUNDS) break;
          continue;
        }
        // Some of it may have committed: asked again until the deadline, and meanwhile new
        // billed calls are refused once a fresh connection confirms the server is away.
        this.reachability?.failed();
        const wait = retry.next();
        if (wait === null) break;
        if (wait > 0) await Bun.sleep(wait);
      }
    }
    // Still failing past the deadline (or refused every round).
    this.reachability?.failed();
    const unknown: [number, Promise<Committed>][] = [];
    state.forEach((s, i) => {
      // Committed but not read back counts as unknown too: what it charged is learned later.
      if (s === "unknown" || s === "landed") unknown.push([i, this.doubt(entries[i]!)]);
      else if (s === "run") failed.set(i, reason(last));
    });
    if (unknown.length > 0)
      console.error(
        JSON.stringify({
          level: "error",
          msg: "group commit outcome unknown: the database stopped answering after the batch was sent",
          entries: unknown.length,
          error: reason(last),
        }),
      );
    return { failed: [...failed], settled, unknown };
  }

  /**
   * The server refused the batch as read-only (a standby after a failover): nothing of it
   * committed, and nothing will while it stays so. Unreachable for writes: `reachability`
   * confirms it and refuses billed calls before the upstream.
   */
  private refusedForWrites(
    entries: Entry[],
    state: State[],
    failed: Map<number, string>,
    settled: Settled[],
    err: unknown,
  ): BatchResult {
    this.reachability?.failed();
    const unknown: [number, Promise<Committed>][] = [];
    state.forEach((s, i) => {
      if (s === "run") failed.set(i, reason(err));
      else if (s === "unknown" || s === "landed") unknown.push([i, this.doubt(entries[i]!)]);
    });
    return { failed: [...failed], settled, unknown };
  }

  /**
   * A statement of `recover`, given until the deadline (at least one first delay): a pool
   * whose connections all failed may hold a statement until it connects again. One given up
   * on runs on; what it may commit is learned after it ends (`learn` waits for it).
   */
  private async within<T>(retry: Backoff, statement: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          const running = statement.then(
            () => {},
            () => {},
          );
          this.abandoned.add(running);
          void running.finally(() => this.abandoned.delete(running));
          reject(new Error("no answer from PostgreSQL before the deadline"));
        },
        Math.max(retry.left(), this.timing.firstDelayMs),
      );
    });
    try {
      return await Promise.race([statement, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** An entry whose outcome is unknown: learned in the background once PostgreSQL answers. */
  private doubt(entry: Entry): Promise<Committed> {
    return new Promise((resolve) => {
      this.doubts.push({ charges: chargesOf(entry), fence: this.fences.get(entry)?.(), resolve });
      this.learnLater();
    });
  }

  private learnLater(): void {
    if (this.learning || this.closed) return;
    this.learning = setTimeout(() => {
      this.learning = undefined;
      void this.learn();
    }, this.timing.learnEveryMs);
    this.learning.unref?.();
  }

  /**
   * Reads what PostgreSQL charged for the doubted entries: by ledger id, so a request's
   * failure row (written after, under the same id, without a charge) reads as not charged.
   * First, each entry's fence (its request's failure row, `enqueue`'s `ifUnknown`) is
   * committed: a statement whose client connection was lost may still be running in the
   * server (waiting for a lock), and would commit after the read. Its log row's key is the
   * fence's, so once the fence is in, that statement fails as a whole; a fence refused by the
   * key means the entry's own row is there (it waited for that statement to end).
   */
  private async learn(): Promise<void> {
    const doubts = this.doubts;
    this.doubts = [];
    if (doubts.length === 0) return;
    try {
      // A statement given up on may still commit: what it did is read once it ended.
      await Promise.all([...this.abandoned]);
      const fences = doubts.flatMap((d) => (d.fence ? [d.fence] : []));
      // Refusals by the keys are the point; a lost connection throws and is tried again.
      if (fences.length > 0) await commitBatch(this.db, fences, false);
      const got = await settledAlready(
        this.db,
        doubts.flatMap((d) => d.charges),
      );
      this.reachability?.answered();
      const byId = new Map(got.map((c) => [c.ledgerId, c]));
      for (const d of doubts)
        d.resolve({
          settled: d.charges.flatMap((c) => (byId.has(c.ledgerId) ? [byId.get(c.ledgerId)!] : [])),
        });
    } catch {
      this.doubts.unshift(...doubts);
      this.learnLater();
    }
  }

  /** Entries still waiting to learn their outcome (tests, metrics). */
  get doubted(): number {
    return this.doubts.length;
  }

  /** The indexes of the entries whose first row is committed (an entry without rows runs again harmlessly). */
  private async landed(entries: Entry[]): Promise<Set<number>> {
    const ids = { log: [] as string[], media: [] as string[], ledger: [] as string[] };
    const marks = entries.map((e) => {
      const m = markOf(e);
      if (m) ids[m.table].push(m.id);
      return m;
    });
    const found = await landedIds(this.db, ids);
    return new Set(marks.flatMap((m, i) => (m && found.has(m.id) ? [i] : [])));
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    clearTimeout(this.learning);
  }
}

type State = "unknown" | "run" | "landed" | "done" | "failed";

/**
 * Waits between tries until a deadline: none for the first `quick` failures (each may be a
 * dead pooled connection, replaced as it fails: the pool holds at most that many), then
 * doubling from `firstDelayMs` up to `maxDelayMs`; null once the deadline has passed. The
 * last try is made at the deadline.
 */
class Backoff {
  private readonly deadline: number;
  private delay: number;
  constructor(
    private readonly t: OutcomeTiming,
    private quick: number,
  ) {
    this.deadline = Date.now() + t.withinMs;
    this.delay = t.firstDelayMs;
  }
  left(): number {
    return this.deadline - Date.now();
  }
  next(): number | null {
    const left = this.deadline - Date.now();
    if (left <= 0) return null;
    if (this.quick-- > 0) return 0;
    const wait = Math.min(this.delay, left);
    this.delay = Math.min(this.delay * 2, this.t.maxDelayMs);
    return wait;
  }
}

/**
 * No answer from the server (the connection failed, closed or timed out): a statement sent
 * may have committed. An error the server answered means its transaction did not commit, and
 * a connection that could not be made sent nothing.
 */
function sentUnanswered(err: unknown): boolean {
  return sqlState(err) === null && !notConnected(err);
}

/** The pool could not connect (refused): the statement was never sent. */
function notConnected(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; cause?: unknown } | null;
  if (e?.code === "ERR_POSTGRES_CONNECTION_REFUSED" || e?.code === "ECONNREFUSED") return true;
  return e?.cause && depth < 3 ? notConnected(e.cause, depth + 1) : false;
}

/** The server is away, shutting down or starting up: retried until the deadline while an outcome is unknown. */
function unreachable(err: unknown): boolean {
  return notConnected(err) || serverAway(sqlState(err));
}

function readOnly(err: unknown): boolean {
  return sqlState(err) === READ_ONLY;
}

function poolSize(db: PgDb): number {
  const max = (db.$client as { options?: { max?: unknown } }).options?.max;
  return typeof max === "number" ? max : 10;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The row that says whether an entry committed: its log row, else its media row, else its ledger row. */
function markOf(entry: Entry): { table: "log" | "media" | "ledger"; id: string } | null {
  let media: string | null = null;
  let charge: string | null = null;
  for (const w of entry) {
    if ("op" in w) {
      if (w.op === "request_log.insert") return { table: "log", id: w.row.id };
      if (w.op === "generated_media.insert") media ??= w.row.id;
    } else if ("charge" in w) charge ??= w.charge.ledgerId;
  }
  if (media !== null) return { table: "media", id: media };
  return charge === null ? null : { table: "ledger", id: charge };
}

function chargesOf(entry: Entry): Charge[] {
  return entry.flatMap((w) => ("charge" in w ? [w.charge] : []));
}
