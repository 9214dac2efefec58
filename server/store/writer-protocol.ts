import type { Entry } from "./writes.ts";

/**
 * Messages between the main thread and the writer thread. A batch travels as one JSON
 * string (about half the main thread's cost of a structured clone of the entries); its
 * writes are plain data (writes.ts), so the JSON is the batch.
 */
export type ToWriter =
  | { type: "open"; path: string; sync: "full" | "normal" }
  | { type: "batch"; seq: number; json: string }
  | { type: "close" };

export function fromWire(json: string): Entry[] {
  return JSON.parse(json) as Entry[];
}

export type FromWriter =
  | { type: "ready" }
  | { type: "done"; seq: number; failed: [number, string][] }
  | { type: "error"; seq: number; message: string }
  | { type: "fatal"; message: string }
  | { type: "closed" };
