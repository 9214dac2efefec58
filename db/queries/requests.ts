import { and, count, desc, eq, getTableColumns, gte, type SQL, sql } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { accounts, apiKeys, requestLog } from "../schema/index.ts";
import { type FullRow, insertEveryColumn } from "./columns.ts";
import { admittedSince, type LogCursor, olderThan, type RequestSearch, requestFilter } from "./predicates.ts";
import { accountSpend, dailySums, keySpend, modelSpend, total, usageSums } from "./usage-shapes.ts";

export type { RequestSearch };

/** The request log (db/schema/requests.ts): the hot-path insert, the rate windows' seed, the panel's reads and sums. */

export type RequestLogRow = FullRow<typeof requestLog>;
export type RequestLogRecord = typeof requestLog.$inferSelect;

/** One row per request, every column a placeholder (run by the group commit with a RequestLogRow). */
export const prepareRequestLogInsert = (db: Conn) => insertEveryColumn(db, requestLog);

export type NamedRequestRow = typeof requestLog.$inferSelect & {
  keyName: string | null;
  accountName: string | null;
};

function where(db: Conn, f: RequestSearch): SQL | undefined {
  return requestFilter(requestLog, f, {
    position: "instr",
    names: { keyName: apiKeys.name, keyPrefix: apiKeys.prefix, accountName: accounts.name },
    ids: (w) => ({
      keys: db.select({ id: apiKeys.id }).from(apiKeys).where(w.keys),
      accounts: db.select({ id: accounts.id }).from(accounts).where(w.accounts),
    }),
  });
}

/** The log's columns and the names of the request's key and account. */
function named(db: Conn) {
  return db
    .select({ ...getTableColumns(requestLog), keyName: apiKeys.name, accountName: accounts.name })
    .from(requestLog)
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
    .leftJoin(accounts, eq(accounts.id, requestLog.accountId));
}

/** A page of the log, newest first, with names, and how many rows match. */
export function searchRequests(
  db: Conn,
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
export function findNamedRequest(db: Conn, id: string): NamedRequestRow | undefined {
  return named(db).where(eq(requestLog.id, id)).get();
}

/**
 * One export page: up to `size` matching rows after `after`, newest first. Each page is its
 * own query resuming after the last row of the one before (created_at, id), so a month of a
 * busy log is never held at once and rows logged meanwhile do not shift the pages.
 */
export function requestsAfter(
  db: Conn,
  f: RequestSearch,
  after: LogCursor | null,
  size: number,
): NamedRequestRow[] {
  return named(db)
    .where(and(where(db, f), olderThan(requestLog, after)))
    .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
    .limit(size)
    .all();
}

/** Requests since `since` that count against rate limits (rejections by the limiter itself do not). */
export function rateWindowSeed(
  db: Conn,
  since: number,
): { keyId: string; accountId: string; createdAt: number }[] {
  return db
    .select({ keyId: requestLog.keyId, accountId: requestLog.accountId, createdAt: requestLog.createdAt })
    .from(requestLog)
    .where(admittedSince(requestLog, since))
    .all() as { keyId: string; accountId: string; createdAt: number }[];
}

/** Counts and sums of a set of rows; money in nano-units. */
export type UsageSums = { requests: number; errors: number; input: number; output: number; spend: number };

export function usageSince(db: Conn, since: number): UsageSums | undefined {
  return db.select(usageSums(requestLog)).from(requestLog).where(gte(requestLog.createdAt, since)).get();
}

/** Sums per bucket of `size` ms since `since`; `bucket` is the bucket's start divided by `size`. */
/** Sums per bucket of `size` ms; `offset` ms shifts the buckets to a time zone's midnight (0: UTC). */
export function usageBuckets(
  db: Conn,
  since: number,
  size: number,
  offset = 0,
): (UsageSums & { bucket: number })[] {
  const bucket = sql<number>`(${requestLog.createdAt} + ${offset}) / ${size}`.mapWith(Number).as("bucket");
  return db
    .select({ bucket, ...usageSums(requestLog) })
    .from(requestLog)
    .where(gte(requestLog.createdAt, since))
    .groupBy(sql`${bucket}`)
    .all();
}

/** Requests and spend of every account with traffic since `since`, most spend first. */
export function spendByAccount(db: Conn, since: number) {
  const q = accountSpend(requestLog, accounts.name, since);
  return db
    .select(q.fields)
    .from(requestLog)
    .leftJoin(accounts, eq(accounts.id, requestLog.accountId))
    .where(q.where)
    .groupBy(requestLog.accountId)
    .orderBy(...q.order)
    .all() as { accountId: string; name: string | null; requests: number; spend: number }[];
}

/** The models with the most spend (then requests) since `since`. */
export function topModels(db: Conn, since: number, limit: number) {
  const q = modelSpend(requestLog, since);
  return db
    .select(q.fields)
    .from(requestLog)
    .where(q.where)
    .groupBy(requestLog.model)
    .orderBy(...q.order)
    .limit(limit)
    .all() as { model: string; requests: number; input: number; output: number; spend: number }[];
}

/** The keys with the most spend (then requests) since `since`, with the key's name when it still exists. */
export function topKeys(db: Conn, since: number, limit: number) {
  const q = keySpend(requestLog, apiKeys.name, since);
  return db
    .select(q.fields)
    .from(requestLog)
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
    .where(q.where)
    .groupBy(requestLog.keyId)
    .orderBy(...q.order)
    .limit(limit)
    .all() as {
    keyId: string;
    name: string | null;
    accountId: string | null;
    requests: number;
    spend: number;
  }[];
}

/** A key's lifetime counts and sums. */
export function keyUsageTotals(db: Conn, keyId: string): UsageSums & { cached: number } {
  const row = db
    .select({ ...usageSums(requestLog), cached: total(requestLog.cachedTokens) })
    .from(requestLog)
    .where(eq(requestLog.keyId, keyId))
    .get();
  return row ?? { requests: 0, errors: 0, input: 0, output: 0, spend: 0, cached: 0 };
}

/** Requests, tokens and spend per UTC day since `since` of the rows matching `where`; `day` is days since the epoch. */
function usageDaily(db: Conn, where: SQL | undefined, since: number) {
  const day = sql<number>`${requestLog.createdAt} / ${86_400_000}`.mapWith(Number).as("day");
  return db
    .select({ day, ...dailySums(requestLog) })
    .from(requestLog)
    .where(and(where, gte(requestLog.createdAt, since)))
    .groupBy(sql`${day}`)
    .orderBy(sql`${day}`)
    .all();
}

/** A key's requests, tokens and spend per UTC day since `since`; `day` is days since the epoch. */
export const keyUsageDaily = (db: Conn, keyId: string, since: number) =>
  usageDaily(db, eq(requestLog.keyId, keyId), since);

/** An account's requests, tokens and spend per UTC day since `since` (all its keys and members). */
export const accountUsageDaily = (db: Conn, accountId: string, since: number) =>
  usageDaily(db, eq(requestLog.accountId, accountId), since);
