import { closeSync, existsSync, fsync, openSync } from "node:fs";
import { promisify } from "node:util";

const fsyncAsync = promisify(fsync);
const noop = () => {};

/**
 * Makes group-committed transactions durable without blocking the event loop. The batch
 * commits with `synchronous=NORMAL` (its WAL frames reach the OS, no fsync); this then
 * fsyncs the WAL file on the thread pool, and the batch's callers are answered only once
 * that returned. After a power loss SQLite's WAL recovery replays every frame that was
 * fsynced with a valid commit record, so a transaction acknowledged here survives, as it
 * would with `synchronous=FULL`. Checkpoints keep SQLite's own syncing (NORMAL fsyncs the
 * WAL before and the database after each checkpoint).
 *
 * fsync calls are grouped: whoever asks while one runs shares the next one, which starts
 * after the running one, so every caller gets an fsync that began after its commit.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  syncs = 0;

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<void> {
    this.queued = null;
    return this.sync();
  }

  protected async run(): Promise<void> {
    // The WAL file exists from the first write and stays while a connection is open.
    if (this.fd === null) {
      if (!existsSync(this.walPath)) return;
      this.fd = openSync(this.walPath, "r");
    }
    this.syncs++;
    await fsyncAsync(this.fd);
  }

  /** An fsync is running: a commit made now is only acknowledged after the next one. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves once the fsync running now has returned (failed or not); at once when none runs. */
  settled(): Promise<void> {
    return this.running ? this.running.then(noop, noop) : Promise.resolve();
  }

  /** Waits for fsyncs in flight (shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
