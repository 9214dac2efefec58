import {
  and,
  between,
  count,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lt,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Db } from "../client.ts";
import { accounts, apiKeys, requestLog } from "../schema/index.ts";

/**
 * The panel's request log (db/schema/requests.ts) with the names of its keys and accounts:
 * filtered, searched, a page at a time, or read out whole in pages for an export.
 */

export type RequestSearch = {
  keyId?: string;
  accountId?: string;
  model?: string;
  status?: number;
  outcome?: "ok" | "error" | "client_closed";
  /** "errors": every request that did not succeed; "4xx", "5xx": by status class. */
  statusClass?: "errors" | "4xx" | "5xx";
  /** A request id, or part of a key's or account's name, or a key (or its shown prefix). */
  q?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
};

export type NamedRequestRow = typeof requestLog.$inferSelect & {
  keyName: string | null;
  accountName: string | null;
};

const contains = (column: typeof apiKeys.name | typeof accounts.name, needle: string) =>
  sql`instr(lower(${column}), ${needle.toLowerCase()}) > 0`;

function where(db: Db, f: RequestSearch): SQL | undefined {
  const w: (SQL | undefined)[] = [];
  if (f.keyId) w.push(eq(requestLog.keyId, f.keyId));
  if (f.accountId) w.push(eq(requestLog.accountId, f.accountId));
  if (f.model) w.push(eq(requestLog.model, f.model));
  if (f.status !== undefined) w.push(eq(requestLog.status, f.status));
  if (f.outcome) w.push(eq(requestLog.outcome, f.outcome));
  if (f.statusClass === "errors") w.push(ne(requestLog.outcome, "ok"));
  if (f.statusClass === "4xx") w.push(between(requestLog.status, 400, 499));
  if (f.statusClass === "5xx") w.push(between(requestLog.status, 500, 599));
  if (f.from !== undefined) w.push(gte(requestLog.createdAt, f.from));
  if (f.to !== undefined) w.push(lt(requestLog.createdAt, f.to));
  const q = f.q?.trim();
  if (q) {
    // Keys and accounts are few: the matching ones first, then the log through its indexes.
    // A key matches by name, or when the text starts with its prefix (a pasted key).
    const keys = db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(or(contains(apiKeys.name, q), sql`instr(${q}, ${apiKeys.prefix}) = 1`));
    const accountIds = db.select({ id: accounts.id }).from(accounts).where(contains(accounts.name, q));
    w.push(
      or(eq(requestLog.id, q), inArray(requestLog.keyId, keys), inArray(requestLog.accountId, accountIds)),
    );
  }
  return w.length ? and(...w) : undefined;
}

/** The log's columns and the names of the request's key and account. */
function named(db: Db) {
  return db
    .select({ ...getTableColumns(requestLog), keyName: apiKeys.name, accountName: accounts.name })
    .from(requestLog)
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
    .leftJoin(accounts, eq(accounts.id, requestLog.accountId));
}

/** A page of the log, newest first, with names, and how many rows match. */
export function searchRequests(
  db: Db,
  f: RequestSearch,
  page: { limit: number; offset: number },
): { rows: NamedRequestRow[]; total: number } {
  const cond = where(db, f);
  const rows = named(db)
    .where(cond)
    .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
    .limit(page.limit)
    .offset(page.offset)
    .all();
  const total = db.select({ n: count() }).from(requestLog).where(cond).get()?.n ?? 0;
  return { rows, total };
}

/** One request with the names of its key and account. */
export function findNamedRequest(db: Db, id: string): NamedRequestRow | undefined {
  return named(db).where(eq(requestLog.id, id)).get();
}

/**
 * Every matching row, newest first, `size` at a time: each page is its own query resuming
 * after the last row of the one before (created_at, id), so a month of a busy log is never
 * held at once and rows logged meanwhile do not shift the pages.
 */
export function* requestPages(db: Db, f: RequestSearch, size = 1000): Generator<NamedRequestRow[]> {
  const cond = where(db, f);
  let after: { createdAt: number; id: string } | null = null;
  for (;;) {
    const resume = after
      ? or(
          lt(requestLog.createdAt, after.createdAt),
          and(eq(requestLog.createdAt, after.createdAt), lt(requestLog.id, after.id)),
        )
      : undefined;
    const rows: NamedRequestRow[] = named(db)
      .where(and(cond, resume))
      .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
      .limit(size)
      .all();
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
