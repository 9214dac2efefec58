import { z } from "zod";
import { AmountInput, TimeInput } from "../shared.ts";

const Limit = z.number().int().positive().nullable();

/** What a key may do: the same fields when it is issued and when it is edited. */
const KeyLimits = z.object({
  rpm_limit: Limit.optional(),
  daily_request_limit: Limit.optional(),
  spend_limit: AmountInput.refine((v) => v >= 0, "must not be negative")
    .nullable()
    .optional(),
  /** The spend limit resets at each period's start (UTC); null: the limit is for the key's lifetime. */
  budget_period: z.enum(["daily", "weekly", "monthly"]).nullable().optional(),
  models: z.array(z.string().min(1)).nullable().optional(),
  expires_at: TimeInput.nullable().optional(),
});

export const CreateKey = z.object({
  account_id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  ...KeyLimits.shape,
});

export const UpdateKey = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  ...KeyLimits.shape,
  /** suspended and active toggle (suspend / resume); revoked is for good. */
  status: z.enum(["active", "suspended", "revoked"]).optional(),
});

export type KeyView = {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  status: "active" | "suspended" | "revoked" | "expired";
  rpm_limit: number | null;
  daily_request_limit: number | null;
  spend_limit: number | null;
  used: number;
  budget_period: "daily" | "weekly" | "monthly" | null;
  /** What counts against the limit: the spend since the period began, or `used` without a period. */
  period_spent: number;
  /** When the period's spend goes back to zero (null: no period). */
  period_resets_at: string | null;
  /** What the key's own spend limit leaves (null: no limit). */
  spend_remaining: number | null;
  /** The key's own spend limit no longer buys the smallest call of any priced model it may use. */
  limit_reached: boolean;
  models: string[] | null;
  expires_at: string | null;
  last_used_at: string | null;
  created_at: string;
};

export type KeyUsage = {
  key_id: string;
  requests: number;
  errors: number;
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  spend: number;
  currency: string;
  daily: { day: string; requests: number; input_tokens: number; output_tokens: number; spend: number }[];
};
