import type { PgDb } from "../../db/pg/client.ts";
import { landedIds, settledAlready } from "../../db/pg/queries/landed.ts";
import { commitBatch } from "../../db/pg/queries/writes.ts";
import type { PgReachability } from "./pg-reachability.ts";
import { BatchingWriter } from "./writer.ts";
import type { BatchResult, Charge, Entry } from "./writes.ts";

/**
 * The group commit on PostgreSQL (TOLLGATE_DB=postgres://…): each batch is one statement,
 * so one round trip and one transaction, on the pool (db/pg/queries/writes.ts:
 * `tollgate_commit_batch` with the request-log, idempotency and media rows, the batch's
 * charges through `tollgate_settle`, the keys' last uses). An entry's promise resolves
 * after that statement committed, and PostgreSQL commits durably
 * (`synchronous_commit = on`, its default), so the end of an answer is still released only
 * once its charge and log row are on disk. Two batches may overlap (each takes a pooled
 * connection); `tollgate_settle` locks rows in a fixed order, so they never deadlock.
 *
 * A batch that fails on its connection is asked about before it runs again: its reply may
 * have been lost after the commit (`resume`). What it finds feeds `reachability`, which
 * refuses new billed calls while PostgreSQL is known unreachable.
 */
/** How many times a batch that failed on its connection is looked up and run again. */
const RESUME_ROUNDS = 2;

export class PgWriter extends BatchingWriter {
  constructor(
    private readonly db: PgDb,
    private readonly reachability?: PgReachability,
  ) {
    super();
    // Two at once: one committing while the next fills (bench/replicas-pg.ts measured
    // batches of about 2 requests when every tick opened its own transaction).
    this.maxInFlight = 2;
  }

  override get reachable(): boolean {
    return this.reachability?.reachable ?? true;
  }

  protected async commit(entries: Entry[]): Promise<BatchResult> {
    let lost: unknown;
    // The batch, then up to RESUME_ROUNDS of "what landed? run the rest" while the connection
    // is what fails (a constraint or a bad value fails its entry, not the batch): after a
    // restart the pool may hand out more than one connection the server dropped.
    for (let round = 0; round <= RESUME_ROUNDS; round++) {
      try {
        const result = round === 0 ? await commitBatch(this.db, entries, false) : await this.resume(entries);
        this.reachability?.answered();
        return result;
      } catch (err) {
        lost ??= err;
      }
    }
    // Still failing, the batch fails with its first cause, and nothing of it committed.
    this.reachability?.failed();
    throw lost;
  }

  /**
   * Once more, for what did not land. A pooled connection the server dropped (a restart)
   * fails the first statement sent on it, and the next one may be a new connection; but the
   * batch may have committed with only its reply lost, and running it again would have its
   * rows refused by their keys and fail entries that are charged. So each entry's first row
   * is looked up first: one found means the entry committed (a batch is one statement, an
   * entry run alone too), and it resolves with its charges as committed, charged once.
   */
  private async resume(entries: Entry[]): Promise<BatchResult> {
    const landed = await this.landed(entries);
    const rest = entries.flatMap((e, i) => (landed.has(i) ? [] : [{ e, i }]));
    const again =
      rest.length > 0
        ? await commitBatch(
            this.db,
            rest.map((r) => r.e),
            false,
          )
        : null;
    let failed: [number, string][] = (again?.failed ?? []).map(([j, why]) => [rest[j]!.i, why]);
    if (failed.length > 0) {
      // Refused by their keys: the first statement, still running when it was looked up, committed since.
      const late = await this.landed(failed.map(([i]) => entries[i]!));
      failed = failed.filter(([i], k) => {
        if (!late.has(k)) return true;
        landed.add(i);
        return false;
      });
    }
    const charges = [...landed].flatMap((i) => chargesOf(entries[i]!));
    return { failed, settled: [...(again?.settled ?? []), ...(await settledAlready(this.db, charges))] };
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
  }
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
