import { z } from "zod";

export const StatsQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
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
  /** Days and hours are UTC. */
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
  top_keys: {
    key_id: string;
    name: string | null;
    account_id: string | null;
    requests: number;
    spend: number;
  }[];
};
