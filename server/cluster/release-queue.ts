import type { ClusterHolds, Release } from "./holds.ts";

/** Holds per script at most: a huge batch is split so no one script holds Redis's thread for long. */
const MAX_PER_SCRIPT = 256;

type Queued = { release: Release; lost: () => void };

/**
 * Releases queued together go to Redis as one script (RELEASE_MANY). A group commit
 * resolves every entry of its batch at once, and each settled call queues its hold from the
 * continuation that follows, so a batch's holds end in one round trip, not one per request
 * (docs/scale-out.md, "Hot path"). The script is sent from a microtask queued behind those
 * continuations, so before any of the batch's answers is handed on: a client that sends its
 * next call once it has the answer finds its previous hold already gone (this replica's
 * commands reach Redis in order on one connection). Only what was already decided is queued:
 * a settled hold after its charge committed, an abandoned one after its call failed, so
 * the money rules do not change, only how many holds share the trip. A script that fails
 * (Redis away) loses its releases as a single release would: the holds expire with their
 * lease.
 */
export class ReleaseQueue {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly sending = new Set<Promise<void>>();
  /** Scripts sent and holds they carried (tests, the bench). */
  readonly stats = { scripts: 0, holds: 0 };

  constructor(private readonly holds: ClusterHolds) {}

  /** Queues a hold's release; `lost` runs if Redis no longer had it (its lease ran out first). */
  push(release: Release, lost: () => void): void {
    this.queue.push({ release, lost });
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    for (let i = 0; i < queued.length; i += MAX_PER_SCRIPT) this.send(queued.slice(i, i + MAX_PER_SCRIPT));
  }

  private send(batch: Queued[]): void {
    this.stats.scripts++;
    this.stats.holds += batch.length;
    const sent = this.holds
      .releaseMany(batch.map((q) => q.release))
      .then((open) => {
        open.forEach((wasOpen, i) => {
          if (!wasOpen) batch[i]?.lost();
        });
      })
      .catch(() => {
        // Redis away or slow: these holds end with their lease, as a lost single release would.
      });
    const tracked = sent.finally(() => this.sending.delete(tracked));
    this.sending.add(tracked);
  }

  /** Resolves once every release queued so far was answered (tests, shutdown). */
  async idle(): Promise<void> {
    if (this.scheduled) this.flush();
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }
}
