import { sql } from "drizzle-orm";
import type { PgConn } from "../client.ts";

/** One call's charge as the group commit hands it over (server/store/writes.ts Charge). */
export type ChargeIn = {
  ledgerId: string;
  accountId: string;
  keyId: string;
  /** The upstream-reported cost, nano-units. */
  amount: number;
  requestId: string;
  at: number;
  /** Its request's log row is in the same batch and carries it (no ledger entry of its own). */
  logged?: boolean;
};

/** What PostgreSQL did with one charge, and the rows' values after it (for the Redis mirror). */
export type Settled = {
  ledgerId: string;
  accountId: string;
  keyId: string;
  /** What was charged: the cost, capped by the balance and the key's limit. */
  charged: number;
  balance: number;
  version: number;
  keyUsed: number;
};

type Row = {
  ledger_id: string;
  account_id: string;
  key_id: string;
  charged: string | number;
  balance: string | number;
  version: string | number;
  key_used: string | number | null;
};

/**
 * Settles a batch of charges in one round trip through `tollgate_settle` (migration 0001:
 * capped, locked in a fixed order, idempotent by ledger id). Run it inside the batch's
 * transaction so the request-log rows commit with their charges.
 */
export async function settleCharges(db: PgConn, charges: readonly ChargeIn[]): Promise<Settled[]> {
  if (charges.length === 0) return [];
  return settledRows(
    await db.execute(sql`select * from tollgate_settle(${JSON.stringify(charges)}::text::jsonb)`),
  );
}

/** The rows `tollgate_settle` (or `tollgate_commit_batch`) returned, as numbers. */
export function settledRows(result: unknown): Settled[] {
  return (result as Row[]).map((r) => ({
    ledgerId: r.ledger_id,
    accountId: r.account_id,
    keyId: r.key_id,
    charged: Number(r.charged),
    balance: Number(r.balance),
    version: Number(r.version),
    keyUsed: Number(r.key_used ?? 0),
  }));
}
