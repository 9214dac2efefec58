import type { Entry } from "./writes.ts";

/** Messages between the main thread and the writer thread. */
export type ToWriter =
  | { type: "open"; path: string; sync: "full" | "normal" }
  | { type: "batch"; seq: number; entries: Entry[] }
  | { type: "close" };

export type FromWriter =
  | { type: "ready" }
  | { type: "done"; seq: number; failed: [number, string][] }
  | { type: "error"; seq: number; message: string }
  | { type: "fatal"; message: string }
  | { type: "closed" };
