import { serverStatus } from "../../db/pg/queries/status.ts";
import { withDeadline } from "../core/deadline.ts";

/**
 * Whether this replica knows PostgreSQL is unreachable, so that billed calls are refused
 * before the upstream (a retryable 503 `store_unavailable`) instead of being answered by a
 * provider the operator pays and then failing at settlement, unbilled.
 *
 * Read synchronously on the request path (`reachable`): no database read per request. It
 * moves on signals the replica gets anyway: a batch that failed on its connection (PgWriter),
 * the generation poll failing (every 500 ms), the `postgres` health probe. A failed pooled
 * statement alone is not an outage: after a restart each pooled connection fails once
 * (ERR_POSTGRES_CONNECTION_CLOSED), so a failure is confirmed on a fresh connection
 * (`probe`) before calls are refused. While refusing, the fresh probe runs every `retryMs`,
 * and a commit or a healthy health probe ends the refusal at once; a plain read (the
 * generation poll) does not, since a read-only standby answers it. The poll has a deadline,
 * so a server gone silent is noticed as a failure too.
 */
export class PgReachability {
  private down = false;
  private confirming = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    /** One statement on a new connection (not the pool's): rejects when the server does not answer. */
    private readonly probe: () => Promise<void>,
    private readonly retryMs = 250,
  ) {}

  /** False while PostgreSQL is known unreachable. */
  get reachable(): boolean {
    return !this.down;
  }

  /** A statement succeeded: the server answers. */
  answered(): void {
    this.down = false;
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  /** A statement failed on its connection: confirmed on a fresh one before calls are refused. */
  failed(): void {
    if (this.down || this.confirming || this.stopped) return;
    this.confirming = true;
    this.probe()
      .then(
        () => this.answered(),
        () => {
          this.down = true;
          this.scheduleRetry();
        },
      )
      .finally(() => {
        this.confirming = false;
      });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private scheduleRetry(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.down) return;
      this.probe().then(
        () => this.answered(),
        () => this.scheduleRetry(),
      );
    }, this.retryMs);
    this.retry.unref?.();
  }
}

/**
 * The health probe's statement (db/pg/queries/status.ts) on a new connection of its own, closed
 * after, under a deadline. A read-only standby counts as unreachable: it would refuse the charge.
 */
export function freshConnectionProbe(url: string, timeoutMs = 2000): () => Promise<void> {
  return async () => {
    const sql = new Bun.SQL(url, { max: 1, connectionTimeout: Math.ceil(timeoutMs / 1000) });
    try {
      const status = await withDeadline(serverStatus(sql), timeoutMs);
      if (status.replica) throw new Error("PostgreSQL is a read-only standby");
    } finally {
      sql.close().catch(() => {});
    }
  };
}
