import { eq } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { accounts, apiKeys, requestLog } from "../schema/index.ts";

/** The panel's first-run checklist: one row looked at per table, never a count (cheap on a big log). */
export function setupFacts(db: Conn): { account: boolean; key: boolean; firstRequest: boolean } {
  return {
    account: db.select({ id: accounts.id }).from(accounts).limit(1).get() !== undefined,
    key: db.select({ id: apiKeys.id }).from(apiKeys).limit(1).get() !== undefined,
    firstRequest:
      db.select({ id: requestLog.id }).from(requestLog).where(eq(requestLog.outcome, "ok")).limit(1).get() !==
      undefined,
  };
}
