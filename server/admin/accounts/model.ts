import { z } from "zod";
import { AmountInput } from "../shared.ts";

export const CreateAccount = z.object({
  name: z.string().trim().min(1).max(200),
  balance: AmountInput.refine((v) => v >= 0, "must not be negative").optional(),
});

export const Topup = z.object({
  amount: AmountInput.refine((v) => v > 0, "must be positive"),
  note: z.string().max(500).optional(),
});

export const Adjustment = z.object({
  amount: AmountInput.refine((v) => v !== 0, "must not be zero"),
  note: z.string().min(1).max(500),
});

export const Refund = z.object({
  amount: AmountInput.refine((v) => v > 0, "must be positive"),
  note: z.string().min(1).max(500),
});

export const UpdateAccount = z.object({
  /** suspended refuses the account's keys (403 account_suspended) until set back to active. */
  status: z.enum(["active", "suspended"]).optional(),
  /** Below this balance the account is running low (listed on the Overview, alerted); null: never. */
  low_balance_threshold: AmountInput.refine((v) => v >= 0, "must not be negative")
    .nullable()
    .optional(),
});

export const LedgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Comma-separated kinds to show (topup, charge, refund, adjustment); none: all. */
  kind: z
    // Elysia may hand the query over already split at commas, and may validate it twice.
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional()
    .transform((v) => (v ? (Array.isArray(v) ? v : v.split(",")).filter(Boolean) : null))
    .pipe(z.array(z.enum(["topup", "charge", "refund", "adjustment"])).nullable()),
});

export type AccountView = {
  id: string;
  name: string;
  balance: number;
  used: number;
  reserved: number;
  status: "active" | "suspended";
  low_balance_threshold: number | null;
  /** The balance is below the threshold. */
  low: boolean;
  currency: string;
  keys: number;
  created_at: string;
};

export type LedgerEntryView = {
  id: string;
  kind: string;
  amount: number;
  balance_after: number;
  key_id: string | null;
  request_id: string | null;
  description: string;
  created_at: string;
};

export const UsageQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

/** An account's traffic per UTC day (all its keys and members), oldest first. */
export type AccountUsage = {
  account_id: string;
  currency: string;
  days: number;
  daily: { day: string; requests: number; input_tokens: number; output_tokens: number; spend: number }[];
};
