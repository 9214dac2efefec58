import type { Database } from "bun:sqlite";
import { attach } from "../../db/client.ts";
import { prepareCharges } from "../../db/queries/billing.ts";
import { logRowCarries, prepareRowWrites, type RowWrite } from "../../db/queries/writes.ts";
import { ChargeBatch } from "./charge-batch.ts";
import type { BatchResult, Charge, Entry } from "./writes.ts";

/**
 * Runs a batch of entries in one IMMEDIATE transaction. The whole batch runs without
 * savepoints (a savepoint per entry cost about as much as the entry); only if that fails
 * is it rolled back and run again with each entry in its own savepoint, so one bad entry
 * fails alone. Charges and key uses are folded per batch (charge-batch.ts). Every
 * statement is a Drizzle prepared statement built from the schema (db/queries), prepared
 * on this connection on first use.
 */
export class BatchExecutor {
  private readonly rows: (w: RowWrite) => void;
  private readonly charges: ChargeBatch;
  private readonly whole: { immediate(entries: Entry[]): void };
  private readonly isolated: { immediate(entries: Entry[], failed: [number, string][]): void };

  constructor(sqlite: Database) {
    const db = attach(sqlite);
    this.rows = prepareRowWrites(db);
    this.charges = new ChargeBatch(prepareCharges(db));
    this.whole = sqlite.transaction((entries: Entry[]) => {
      this.charges.begin();
      for (const e of entries) this.apply(e);
      this.charges.end();
    });
    // Transaction control, not a table's SQL: bun:sqlite's transaction() has no savepoint per entry.
    const savepoint = sqlite.prepare("SAVEPOINT entry");
    const release = sqlite.prepare("RELEASE entry");
    const rollback = sqlite.prepare("ROLLBACK TO entry");
    this.isolated = sqlite.transaction((entries: Entry[], failed: [number, string][]) => {
      this.charges.begin();
      entries.forEach((e, i) => {
        const mark = this.charges.mark();
        savepoint.run();
        try {
          this.apply(e);
          release.run();
        } catch (err) {
          rollback.run();
          release.run();
          this.charges.undo(mark);
          failed.push([i, err instanceof Error ? err.message : String(err)]);
        }
      });
      this.charges.end();
    });
  }

  /** Commits the batch; throws only when not even the savepoint fallback could commit. */
  run(entries: Entry[]): BatchResult {
    const failed: [number, string][] = [];
    try {
      this.whole.immediate(entries);
    } catch {
      this.isolated.immediate(entries, failed);
    }
    return { failed };
  }

  /**
   * An entry's charge rides on its request's log row when the entry has it (one insert
   * per charged request: ChargeBatch.onLogRow); any other charge is a ledger_entries row.
   */
  private apply(entry: Entry): void {
    const charges: Charge[] = [];
    for (const w of entry) if ("charge" in w) charges.push(w.charge);
    for (const w of entry) {
      if ("op" in w) {
        const log = w.op === "request_log.insert" ? w.row : null;
        const i = log && charges.length > 0 ? charges.findIndex((c) => logRowCarries(c, log)) : -1;
        if (i < 0 || !log) this.rows(w);
        else
          this.rows({ op: "request_log.insert", row: this.charges.onLogRow(charges.splice(i, 1)[0]!, log) });
      } else if ("touch" in w) this.charges.keyUse(w.touch.keyId, 0, w.touch.at);
    }
    for (const c of charges) this.charges.charge(c);
  }
}
