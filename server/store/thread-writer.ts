import { BatchingWriter } from "./writer.ts";
import type { FromWriter, ToWriter } from "./writer-protocol.ts";
import type { BatchResult, Entry } from "./writes.ts";

/** Where the writer thread's code is: beside this file from source, embedded in the binary. */
export const WRITER_WORKER_URL = new URL("./writer-worker.ts", import.meta.url);

/**
 * Commits batches on a writer thread with its own connection (writer-worker.ts). The
 * event loop only hands a batch over and is told when it is committed; statements,
 * COMMIT and fsync run on the other thread. Batches are answered in order.
 */
export class ThreadWriter extends BatchingWriter {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: BatchResult) => void; reject: (e: unknown) => void }
  >();
  private ready: Promise<void>;
  private closed: (() => void) | null = null;
  /** Set when the thread died: later batches fail at once instead of waiting forever. */
  private dead: Error | null = null;

  private constructor(path: string, sync: "full" | "normal", workerUrl: URL | string) {
    super();
    this.worker = new Worker(workerUrl);
    let opened!: () => void;
    let failedToOpen!: (e: unknown) => void;
    this.ready = new Promise((resolve, reject) => {
      opened = resolve;
      failedToOpen = reject;
    });
    this.worker.onmessage = (ev: MessageEvent<FromWriter>) => {
      const m = ev.data;
      if (m.type === "ready") opened();
      else if (m.type === "done") this.settle(m.seq, (w) => w.resolve({ failed: m.failed }));
      else if (m.type === "error") this.settle(m.seq, (w) => w.reject(new Error(m.message)));
      else if (m.type === "fatal") {
        const err = new Error(`writer thread: ${m.message}`);
        failedToOpen(err);
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      } else if (m.type === "closed") this.closed?.();
    };
    this.worker.onerror = (ev) => this.die(new Error(`writer thread failed: ${ev.message}`), failedToOpen);
    this.post({ type: "open", path, sync });
  }

  /** Starts the writer thread on the database file and waits until it is ready. */
  static async start(
    path: string,
    sync: "full" | "normal",
    workerUrl: URL | string = WRITER_WORKER_URL,
  ): Promise<ThreadWriter> {
    const w = new ThreadWriter(path, sync, workerUrl);
    await w.ready;
    return w;
  }

  private die(err: Error, failedToOpen: (e: unknown) => void) {
    this.dead = err;
    failedToOpen(err);
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  private post(m: ToWriter) {
    this.worker.postMessage(m);
  }

  private settle(
    seq: number,
    fn: (w: { resolve: (r: BatchResult) => void; reject: (e: unknown) => void }) => void,
  ) {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    fn(w);
  }

  protected commit(entries: Entry[]): Promise<BatchResult> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.post({ type: "batch", seq, json: JSON.stringify(entries) });
    });
  }

  async close(): Promise<void> {
    await this.idle();
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      this.post({ type: "close" });
      setTimeout(resolve, 2000).unref?.();
    });
    this.worker.terminate();
  }
}
