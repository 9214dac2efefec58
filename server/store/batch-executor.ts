import type { Database, Statement } from "bun:sqlite";
import { ChargeBatch } from "../billing/charge-batch.ts";
import type { BatchResult, Entry } from "./writes.ts";

const LEDGER_CHARGE =
  "INSERT INTO ledger (id, account_id, kind, amount, balance_after, key_id, request_id, note, created_at) VALUES (?, ?, 'charge', ?, ?, ?, ?, NULL, ?)";

/**
 * Runs a batch of entries in one IMMEDIATE transaction. The whole batch runs without
 * savepoints (a savepoint per entry cost about as much as the entry); only if that fails
 * is it rolled back and run again with each entry in its own savepoint, so one bad entry
 * fails alone. Charges and key uses are folded per batch (billing/charge-batch.ts).
 */
export class BatchExecutor {
  private readonly statements = new Map<string, Statement>();
  private readonly charges: ChargeBatch;
  private readonly whole: { immediate(entries: Entry[]): void };
  private readonly isolated: { immediate(entries: Entry[], failed: [number, string][]): void };

  constructor(private readonly sqlite: Database) {
    this.charges = new ChargeBatch(sqlite);
    this.whole = sqlite.transaction((entries: Entry[]) => {
      this.charges.begin();
      for (const e of entries) this.apply(e);
      this.charges.end();
    });
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

  private apply(entry: Entry): void {
    for (const w of entry) {
      if ("sql" in w) this.statement(w.sql).run(...w.params);
      else if ("charge" in w) {
        const c = w.charge;
        const balanceAfter = this.charges.debit(c.accountId, c.amount);
        this.statement(LEDGER_CHARGE).run(
          c.ledgerId,
          c.accountId,
          -c.amount,
          balanceAfter,
          c.keyId,
          c.requestId,
          c.at,
        );
        this.charges.keyUse(c.keyId, c.amount, c.at);
      } else this.charges.keyUse(w.touch.keyId, 0, w.touch.at);
    }
  }

  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
