import { and, count, desc, eq, getTableColumns, gte, type SQL, sql } from "drizzle-orm";
import {
  admittedSince,
  type LogCursor,
  olderThan,
  type RequestSearch,
  requestFilter,
} from "../../queries/predicates.ts";
import type { NamedRequestRow, UsageSums } from "../../queries/requests.ts";
import {
  accountSpend,
  dailySums,
  keySpend,
  modelSpend,
  total,
  usageSums,
} from "../../queries/usage-shapes.ts";
import type { PgConn } from "../client.ts";
import { accounts, apiKeys, requestLog } from "../schema/index.ts";

/** The request log on PostgreSQL: the twins of db/queries/requests.ts. */

export async function rateWindowSeed(
  db: PgConn,
  since: number,
): Promise<{ keyId: string; accountId: string; createdAt: number }[]> {
  return (await db
    .select({ keyId: requestLog.keyId, accountId: requestLog.accountId, createdAt: requestLog.createdAt })
    .from(requestLog)
    .where(admittedSince(requestLog, since))) as { keyId: string; accountId: string; createdAt: number }[];
}

function where(db: PgConn, f: RequestSearch): SQL | undefined {
  return requestFilter(requestLog, f, {
    position: "strpos",
    names: { keyName: apiKeys.name, keyPrefix: apiKeys.prefix, accountName: accounts.name },
    ids: (w) => ({
      keys: db.select({ id: apiKeys.id }).from(apiKeys).where(w.keys),
      accounts: db.select({ id: accounts.id }).from(accounts).where(w.accounts),
    }),
  });
}

function named(db: PgConn) {
  return db
    .select({ ...getTableColumns(requestLog), keyName: apiKeys.name, accountName: accounts.name })
    .from(requestLog)
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
    .leftJoin(accounts, eq(accounts.id, requestLog.accountId));
}

export async function searchRequests(
  db: PgConn,
  f: RequestSearch,
  page: { limit: number; offset: number },
): Promise<{ rows: NamedRequestRow[]; total: number }> {
  const cond = where(db, f);
  const [rows, [t]] = await Promise.all([
    named(db)
      .where(cond)
      .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(requestLog).where(cond),
  ]);
  return { rows: rows as NamedRequestRow[], total: t?.n ?? 0 };
}

export async function findNamedRequest(db: PgConn, id: string): Promise<NamedRequestRow | undefined> {
  const [r] = await named(db).where(eq(requestLog.id, id));
  return r as NamedRequestRow | undefined;
}

export async function requestsAfter(
  db: PgConn,
  f: RequestSearch,
  after: LogCursor | null,
  size: number,
): Promise<NamedRequestRow[]> {
  return (await named(db)
    .where(and(where(db, f), olderThan(requestLog, after)))
    .orderBy(desc(requestLog.createdAt), desc(requestLog.id))
    .limit(size)) as NamedRequestRow[];
}

export async function usageSince(db: PgConn, since: number): Promise<UsageSums | undefined> {
  const [r] = await db.select(usageSums(requestLog)).from(requestLog).where(gte(requestLog.createdAt, since));
  return r;
}

export async function usageBuckets(
  db: PgConn,
  since: number,
  size: number,
  offset = 0,
): Promise<(UsageSums & { bucket: number })[]> {
  // Integers throughout: bigint + bigint divided by bigint truncates, as SQLite's integer division does.
  const bucket = sql<number>`(${requestLog.createdAt} + ${offset}::bigint) / ${size}::bigint`
    .mapWith(Number)
    .as("bucket");
  return db
    .select({ bucket, ...usageSums(requestLog) })
    .from(requestLog)
    .where(gte(requestLog.createdAt, since))
    .groupBy(sql`${bucket}`);
}

export async function spendByAccount(db: PgConn, since: number) {
  const q = accountSpend(requestLog, accounts.name, since);
  return (await db
    .select(q.fields)
    .from(requestLog)
    .leftJoin(accounts, eq(accounts.id, requestLog.accountId))
    .where(q.where)
    .groupBy(requestLog.accountId)
    .orderBy(...q.order)) as { accountId: string; name: string | null; requests: number; spend: number }[];
}

export async function topModels(db: PgConn, since: number, limit: number) {
  const q = modelSpend(requestLog, since);
  return (await db
    .select(q.fields)
    .from(requestLog)
    .where(q.where)
    .groupBy(requestLog.model)
    .orderBy(...q.order)
    .limit(limit)) as { model: string; requests: number; input: number; output: number; spend: number }[];
}

export async function topKeys(db: PgConn, since: number, limit: number) {
  const q = keySpend(requestLog, apiKeys.name, since);
  return (await db
    .select(q.fields)
    .from(requestLog)
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.keyId))
    .where(q.where)
    .groupBy(requestLog.keyId)
    .orderBy(...q.order)
    .limit(limit)) as {
    keyId: string;
    name: string | null;
    accountId: string | null;
    requests: number;
    spend: number;
  }[];
}

export async function keyUsageTotals(db: PgConn, keyId: string): Promise<UsageSums & { cached: number }> {
  const [row] = await db
    .select({ ...usageSums(requestLog), cached: total(requestLog.cachedTokens) })
    .from(requestLog)
    .where(eq(requestLog.keyId, keyId));
  return row ?? { requests: 0, errors: 0, input: 0, output: 0, spend: 0, cached: 0 };
}

/** db/queries/requests.ts's usageDaily: bigint division truncates as SQLite's integer division does. */
function usageDaily(db: PgConn, where: SQL | undefined, since: number) {
  const day = sql<number>`${requestLog.createdAt} / ${86_400_000}::bigint`.mapWith(Number).as("day");
  return db
    .select({ day, ...dailySums(requestLog) })
    .from(requestLog)
    .where(and(where, gte(requestLog.createdAt, since)))
    .groupBy(sql`${day}`)
    .orderBy(sql`${day}`);
}

export const keyUsageDaily = (db: PgConn, keyId: string, since: number) =>
  usageDaily(db, eq(requestLog.keyId, keyId), since);

export const accountUsageDaily = (db: PgConn, accountId: string, since: number) =>
  usageDaily(db, eq(requestLog.accountId, accountId), since);
