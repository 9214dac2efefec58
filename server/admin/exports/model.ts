import { z } from "zod";
import { QueryTime } from "../shared.ts";

/** Which ledger entries: one account's or every account's, from (inclusive) to (exclusive). */
export const LedgerExportQuery = z.object({
  account_id: z.string().optional(),
  from: QueryTime,
  to: QueryTime,
});
