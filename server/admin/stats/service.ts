import {
  topKeys,
  topModels,
  type UsageSums,
  usageBuckets,
  usageSince,
} from "../../../db/queries/requests.ts";
import { amountToNumber } from "../../billing/money.ts";
import type { AdminServices } from "../services.ts";
import type { StatsTotals, StatsView } from "./model.ts";

/** What this resource reads and writes. */
export type StatsDeps = Pick<AdminServices, "db" | "settings">;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TOP = 5;

const totals = (r: UsageSums | undefined): StatsTotals => ({
  requests: r?.requests ?? 0,
  errors: r?.errors ?? 0,
  error_rate: r?.requests ? r.errors / r.requests : 0,
  input_tokens: r?.input ?? 0,
  output_tokens: r?.output ?? 0,
  spend: amountToNumber(r?.spend ?? 0),
});

/** Buckets of `size` ms from `from`, `n` of them, zero-filled from grouped rows. */
function series(rows: (UsageSums & { bucket: number })[], from: number, size: number, n: number) {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return Array.from({ length: n }, (_, i) => {
    const start = from + i * size;
    return { start, ...totals(byBucket.get(start / size)) };
  });
}

/** The overview page's numbers, straight from the request log (money summed in nano-units). */
export function stats(gw: StatsDeps, days: number, now = Date.now()): StatsView {
  const today = Math.floor(now / DAY) * DAY;
  const from = today - (days - 1) * DAY;
  const sum = (since: number) => usageSince(gw.db, since);
  const grouped = (size: number, since: number) => usageBuckets(gw.db, since, size);
  const models = topModels(gw.db, from, TOP);
  const keys = topKeys(gw.db, from, TOP);

  return {
    currency: gw.settings.currency,
    today: totals(sum(today)),
    period: { ...totals(sum(from)), days, from: new Date(from).toISOString().slice(0, 10) },
    hourly: series(grouped(HOUR, today), today, HOUR, 24).map(({ start, ...t }) => ({
      hour: new Date(start).toISOString().slice(11, 16),
      ...t,
    })),
    daily: series(grouped(DAY, from), from, DAY, days).map(({ start, ...t }) => ({
      day: new Date(start).toISOString().slice(0, 10),
      ...t,
    })),
    top_models: models.map((m) => ({
      model: m.model,
      requests: m.requests,
      input_tokens: m.input,
      output_tokens: m.output,
      spend: amountToNumber(m.spend),
    })),
    top_keys: keys.map((k) => ({
      key_id: k.keyId,
      name: k.name,
      account_id: k.accountId,
      requests: k.requests,
      spend: amountToNumber(k.spend),
    })),
  };
}
