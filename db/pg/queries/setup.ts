import { eq } from "drizzle-orm";
import type { PgConn } from "../client.ts";
import { accounts, apiKeys, requestLog } from "../schema/index.ts";

/** The panel's first-run checklist on PostgreSQL: the twin of db/queries/setup.ts. */
export async function setupFacts(
  db: PgConn,
): Promise<{ account: boolean; key: boolean; firstRequest: boolean }> {
  const [account, key, firstRequest] = await Promise.all([
    db.select({ id: accounts.id }).from(accounts).limit(1),
    db.select({ id: apiKeys.id }).from(apiKeys).limit(1),
    db.select({ id: requestLog.id }).from(requestLog).where(eq(requestLog.outcome, "ok")).limit(1),
  ]);
  return { account: account.length > 0, key: key.length > 0, firstRequest: firstRequest.length > 0 };
}
