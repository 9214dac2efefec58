import { admittedSince } from "../../queries/predicates.ts";
import type { PgConn } from "../client.ts";
import { requestLog } from "../schema/index.ts";

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
