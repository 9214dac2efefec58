import { count, desc, eq, getTableColumns, type SQL } from "drizzle-orm";
import { admittedSince, type RequestSearch, requestFilter } from "../../queries/predicates.ts";
import type { NamedRequestRow } from "../../queries/requests.ts";
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
