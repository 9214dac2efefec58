import type { PgDb } from "../../db/pg/client.ts";
import { commitBatch } from "../../db/pg/queries/writes.ts";
import { BatchingWriter } from "./writer.ts";
import type { BatchResult, Entry } from "./writes.ts";

/**
 * The group commit on PostgreSQL (TOLLGATE_DB=postgres://…): each batch is one statement,
 * so one round trip and one transaction, on the pool (db/pg/queries/writes.ts:
 * `tollgate_commit_batch` with the request-log, idempotency and media rows, the batch's
 * charges through `tollgate_settle`, the keys' last uses). An entry's promise resolves
 * after that statement committed, and PostgreSQL commits durably
 * (`synchronous_commit = on`, its default), so the end of an answer is still released only
 * once its charge and log row are on disk. Two batches may overlap (each takes a pooled
 * connection); `tollgate_settle` locks rows in a fixed order, so they never deadlock.
 */
export class PgWriter extends BatchingWriter {
  constructor(private readonly db: PgDb) {
    super();
    // Two at once: one committing while the next fills (bench/replicas-pg.ts measured
    // batches of about 2 requests when every tick opened its own transaction).
    this.maxInFlight = 2;
  }

  protected commit(entries: Entry[]): Promise<BatchResult> {
    return commitBatch(this.db, entries);
  }

  async close(): Promise<void> {
    await this.idle();
  }
}
