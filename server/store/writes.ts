import type { Settled } from "../../db/pg/queries/settle.ts";
import type { RowWrite } from "../../db/queries/writes.ts";

/**
 * Writes as plain data, so a batch can be executed on the main thread or handed to the
 * writer thread alike. One request's writes form an `Entry`, committed atomically. No
 * write carries SQL: rows name a statement built from the schema (db/queries/writes.ts).
 */
export type Write =
  /** A full row for one of the tables the group commit inserts into. */
  | RowWrite
  /** A charge: a ledger entry whose balance_after is computed in the batch; the account and key rows are written once per batch. */
  | { charge: Charge }
  /** A key's last use, folded per batch. */
  | { touch: { keyId: string; at: number } };

/** One request's charge: the ledger entry's fields but its balance_after. */
export type Charge = {
  ledgerId: string;
  accountId: string;
  keyId: string;
  amount: number;
  requestId: string;
  at: number;
};

export type Entry = Write[];

/** What PostgreSQL did with one charge (tollgate_settle), with the mirror's values after it. */
export type SettledCharge = Settled;

/**
 * How a batch went: the indexes of entries that failed (each rolled back alone), with why;
 * on PostgreSQL also every charge as settled (SQLite's writers report none: memory decided).
 */
export type BatchResult = {
  failed: [number, string][];
  settled?: SettledCharge[];
  /**
   * PostgreSQL: entries whose commit was sent and never answered, and the database stayed
   * unreachable past the writer's deadline: each with what it will learn once the database
   * answers again (its charges as PostgreSQL holds them: `charged` 0 for one that did not land).
   */
  unknown?: [number, Promise<Committed>][];
};

/** What an entry's commit tells its caller: its own charges as settled (PostgreSQL), or nothing. */
export type Committed = { settled: SettledCharge[] } | undefined;

/**
 * An entry's commit was sent and its outcome could not be learned in time (PostgreSQL
 * stopped answering): it may have committed, charge and log row included. `learned`
 * resolves with the entry's charges as PostgreSQL holds them once it answers again (`charged`
 * 0 for a charge that did not land); it never resolves if the writer closes first.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(readonly learned: Promise<Committed>) {
    super("commit outcome unknown: the database stopped answering after the batch was sent");
    this.name = "CommitOutcomeUnknown";
  }
}
