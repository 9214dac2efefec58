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
 * SQL dialect reaches the services. (The ledger charge is folded per batch: see
 * billing.ts prepareCharges.)
 */
export type RowWrite =
  | { op: "request_log.insert"; row: RequestLogRow }
  | { op: "idempotency.put"; row: IdempotencyRow }
  | { op: "generated_media.insert"; row: GeneratedMediaRow };

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
