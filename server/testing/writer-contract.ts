import { expect } from "bun:test";
import type { Writer } from "../store/writer.ts";
import type { Entry } from "../store/writes.ts";
import { blankLogRow } from "./log-row.ts";

/** A request-log row whose id is `v` and created_at `v`: ids are unique, so writing one twice fails. */
export const logRowEntry = (v: number): Entry => [
  { op: "request_log.insert", row: blankLogRow(String(v), v) },
];

/**
 * What every group-commit writer promises (SQLite inline and thread, PostgreSQL): one batch
 * per loop turn, each promise resolved only once its entry is committed, a failing entry
 * failing alone and atomically. `createdAts` reads the request log's created_at in order.
 */
export async function writerBehaves(
  writer: Writer,
  createdAts: () => number[] | Promise<number[]>,
  /** How the engine words a unique violation (the failed entry's error carries it). */
  duplicate: string,
) {
  const row = logRowEntry;
  // One loop turn, one batch; each promise resolves only once its entry is committed.
  await Promise.all([1, 2, 3].map((v) => writer.enqueue(row(v))));
  expect(await createdAts()).toEqual([1, 2, 3]);
  expect(writer.stats).toEqual({ batches: 1, entries: 3 });
  // A failing entry fails alone; the rest of its batch commits.
  const failures: unknown[] = [];
  writer.onFailure = (e) => failures.push(e);
  const ok = writer.enqueue(row(10));
  const dup = writer.enqueue(row(1));
  const ok2 = writer.enqueue([...row(11), ...row(12)]);
  const bad = writer.enqueue([...row(13), ...row(2)]); // atomic: 13 must not land either
  await ok;
  await ok2;
  await expect(dup).rejects.toThrow(duplicate);
  await expect(bad).rejects.toThrow(duplicate);
  expect(await createdAts()).toEqual([1, 2, 3, 10, 11, 12]);
  expect(failures).toHaveLength(1);
  expect(writer.pending).toBe(0);
  await writer.close();
}
