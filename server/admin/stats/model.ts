import { z } from "zod";

export const StatsQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  /** The browser's offset from UTC in minutes east (e.g. 180 for Moscow); days and hours start at its midnight. */
  tz_offset: z.coerce.number().int().min(-840).max(840).default(0),
});

export type StatsTotals = {
  requests: number;
  errors: number;
  /** errors / requests, 0 when there were no requests. */
  error_rate: number;
  input_tokens: number;
  output_tokens: number;
  spend: number;
};

export type StatsView = {
  currency: string;
  /** Days and hours are UTC shifted by this many minutes (0: UTC). */
  tz_offset_minutes: number;
  today: StatsTotals;
  period: StatsTotals & { days: number; from: string };
  /** Today's 24 UTC hours, zero-filled. */
  hourly: (StatsTotals & { hour: string })[];
  /** One entry per day of the period, oldest first, zero-filled. */
  daily: (StatsTotals & { day: string })[];
  top_models: {
    model: string;
    requests: number;
    input_tokens: number;
    output_tokens: number;
    spend: number;
  }[];
  /** Spend per account over the period, most first. */
  accounts: { account_id: string; name: string | null; requests: number; spend: number }[];
  /** Accounts whose balance is below their low-balance threshold, lowest first. */
  low_accounts: {
    account_id: string;
    name: string;
    balance: number;
    threshold: number;
    status: "active" | "suspended";
  }[];
  top_keys: {
    key_id: string;
    name: string | null;
    account_id: string | null;
    requests: number;
    spend: number;
  }[];
};
