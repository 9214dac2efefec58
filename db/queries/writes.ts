import type { Conn } from "../client.ts";
import { lazy } from "./columns.ts";
import { type GeneratedMediaRow, prepareMediaInsert } from "./media.ts";
import { prepareRequestLogInsert, type RequestLogRow } from "./requests.ts";
import { type IdempotencyRow, prepareIdempotencyPut } from "./system.ts";

/**
 * The rows the group commit writes, as plain data: a statement's name and a full row.
 * Services build these; the connection that commits the batch (the writer thread's, or
 * the main one's) runs them through Drizzle statements prepared once from the schema.
 * Plain data, so a batch can cross to the writer thread as JSON, and so nothing of the
 * SQL dialect reaches the services. (The charge is folded per batch, onto its request's log
 * row when the entry has it: see billing.ts prepareCharges and `logRowCarries`.)
 */
export type RowWrite =
  | { op: "request_log.insert"; row: RequestLogRow }
  | { op: "idempotency.put"; row: IdempotencyRow }
  | { op: "generated_media.insert"; row: GeneratedMediaRow };

/** A charge as the group commit receives it (server/store/writes.ts Charge). */
type ChargeFields = { requestId: string; accountId: string; keyId: string; amount: number };

/**
 * Whether a request's log row can carry charge `c` instead of a ledger entry of its own
 * (one row per charged request; the ledger view reads it back, db/schema/ledger.ts): it is
 * the request's row, and says what the entry would (account, key, cost = what was charged).
 * Both engines' group commits ask this.
 */
export function logRowCarries(c: ChargeFields, row: RequestLogRow): boolean {
  return (
    row.id === c.requestId && row.accountId === c.accountId && row.keyId === c.keyId && row.cost === c.amount
  );
}

/** Runs row writes on `db`, each statement prepared on its first use. */
export function prepareRowWrites(db: Conn): (w: RowWrite) => void {
  const requestLog = lazy(() => prepareRequestLogInsert(db));
  const idempotency = lazy(() => prepareIdempotencyPut(db));
  const media = lazy(() => prepareMediaInsert(db));
  return (w) => {
    switch (w.op) {
      case "request_log.insert":
        requestLog()(w.row);
        return;
      case "idempotency.put":
        idempotency().run(w.row);
        return;
      case "generated_media.insert":
        media().run(w.row);
        return;
    }
  };
}
