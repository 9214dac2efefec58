/// <reference lib="webworker" />
import { Database } from "bun:sqlite";
import { BatchExecutor } from "./batch-executor.ts";
import { type FromWriter, fromWire, type ToWriter } from "./writer-protocol.ts";

/**
 * The writer thread: its own SQLite connection, on which every group-committed batch
 * runs (statements, COMMIT and its fsync), so none of that blocks the event loop that
 * serves requests. Messages are handled in order; each batch is answered once committed.
 */
declare const self: Worker;

let sqlite: Database | null = null;
let executor: BatchExecutor | null = null;

const reply = (m: FromWriter) => self.postMessage(m);

self.onmessage = (ev: MessageEvent<ToWriter>) => {
  const m = ev.data;
  try {
    if (m.type === "open") {
      sqlite = new Database(m.path, { strict: true });
      sqlite.run("PRAGMA journal_mode = WAL");
      sqlite.run(`PRAGMA synchronous = ${m.sync === "normal" ? "NORMAL" : "FULL"}`);
      sqlite.run("PRAGMA busy_timeout = 5000");
      sqlite.run("PRAGMA foreign_keys = ON");
      executor = new BatchExecutor(sqlite);
      reply({ type: "ready" });
    } else if (m.type === "batch") {
      if (!executor) throw new Error("writer not open");
      try {
        reply({ type: "done", seq: m.seq, failed: executor.run(fromWire(m.json)).failed });
      } catch (err) {
        reply({ type: "error", seq: m.seq, message: err instanceof Error ? err.message : String(err) });
      }
    } else if (m.type === "close") {
      sqlite?.close(false);
      sqlite = null;
      executor = null;
      reply({ type: "closed" });
    }
  } catch (err) {
    reply({ type: "fatal", message: err instanceof Error ? err.message : String(err) });
  }
};
