import { type AccountsDeps, accountsService } from "./accounts/service.ts";
import { type KeysDeps, keysService } from "./keys/service.ts";

/**
 * What an account's own people see and do in the user portal (identity/portal-routes.ts
 * checks who they are and which account is theirs), over the admin services: one
 * implementation and one shape for a key, a usage series and a ledger page, whoever looks.
 */
export const ownerDesk = (gw: KeysDeps & AccountsDeps) => ({
  keys: (accountId: string) => keysService.list(gw, accountId),
  issueKey: (
    accountId: string,
    input: {
      name: string;
      spend_limit?: number | null;
      budget_period?: "daily" | "weekly" | "monthly" | null;
    },
  ) => keysService.create(gw, { ...input, account_id: accountId }),
  revokeKey: (keyId: string) => keysService.update(gw, keyId, { status: "revoked" }),
  usage: (accountId: string, days: number) => accountsService.usage(gw, accountId, days),
  ledger: (accountId: string, limit: number, offset: number) =>
    accountsService.ledger(gw, accountId, limit, offset),
});
