import type { Binding, Entry, Write } from "./writes.ts";

/**
 * Messages between the main thread and the writer thread. A batch travels as one JSON
 * string, with each statement's text replaced by an id registered once (`stmt`): about
 * half the main thread's cost of a structured clone of the entries.
 */
export type ToWriter =
  | { type: "open"; path: string; sync: "full" | "normal" }
  | { type: "stmt"; id: number; sql: string }
  | { type: "batch"; seq: number; json: string }
  | { type: "close" };

/** A write on the wire: a statement as [id, ...bindings], the folded kinds as they are. */
export type WireWrite = [number, ...Binding[]] | Exclude<Write, { sql: string }>;

export function fromWire(json: string, statements: Map<number, string>): Entry[] {
  return (JSON.parse(json) as WireWrite[][]).map((e) =>
    e.map((w): Write => {
      if (!Array.isArray(w)) return w;
      const sql = statements.get(w[0]);
      if (sql === undefined) throw new Error(`unknown statement ${w[0]}`);
      return { sql, params: w.slice(1) as Binding[] };
    }),
  );
}

export type FromWriter =
  | { type: "ready" }
  | { type: "done"; seq: number; failed: [number, string][] }
  | { type: "error"; seq: number; message: string }
  | { type: "fatal"; message: string }
  | { type: "closed" };
