import type { UsageSums } from "../../../db/queries/requests.ts";
import { amountToNumber } from "../../billing/money.ts";
import type { AdminServices } from "../services.ts";
import type { StatsTotals, StatsView } from "./model.ts";

/** What this resource reads and writes. */
export type StatsDeps = Pick<AdminServices, "store" | "book" | "settings">;

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

/**
 * The overview page's numbers, straight from the request log (money summed in nano-units).
 * Days and hours are UTC, or shifted by `tzOffsetMin` (minutes east of UTC, the browser's
 * offset now: a day that crosses a daylight-saving change is an hour off at its edge).
 */
export async function stats(
  gw: StatsDeps,
  days: number,
  now = Date.now(),
  tzOffsetMin = 0,
): Promise<StatsView> {
  const off = tzOffsetMin * 60_000;
  const today = Math.floor((now + off) / DAY) * DAY - off;
  const from = today - (days - 1) * DAY;
  const grouped = async (size: number, since: number) =>
    (await q.usageBuckets(since, size, off)).map((r) => ({ ...r, bucket: r.bucket - off / size }));
  const local = (start: number) => new Date(start + off).toISOString();
  const q = gw.store.requests;
  const [sumToday, sumPeriod, hourly, daily, models, keys, accounts] = await Promise.all([
    q.usageSince(today),
    q.usageSince(from),
    grouped(HOUR, today),
    grouped(DAY, from),
    q.topModels(from, TOP),
    q.topKeys(from, TOP),
    q.spendByAccount(from),
  ]);

  return {
    currency: gw.settings.currency,
    today: totals(sumToday),
    period: { ...totals(sumPeriod), days, from: local(from).slice(0, 10) },
    tz_offset_minutes: tzOffsetMin,
    hourly: series(hourly, today, HOUR, 24).map(({ start, ...t }) => ({
      hour: local(start).slice(11, 16),
      ...t,
    })),
    daily: series(daily, from, DAY, days).map(({ start, ...t }) => ({
      day: local(start).slice(0, 10),
      ...t,
    })),
    top_models: models.map((m) => ({
      model: m.model,
      requests: m.requests,
      input_tokens: m.input,
      output_tokens: m.output,
      spend: amountToNumber(m.spend),
    })),
    accounts: accounts.map((a) => ({
      account_id: a.accountId,
      name: a.name,
      requests: a.requests,
      spend: amountToNumber(a.spend),
    })),
    low_accounts: gw.book
      .all()
      .filter((a) => a.lowBalanceThreshold !== null && a.balance < a.lowBalanceThreshold)
      .sort((a, b) => a.balance - b.balance)
      .map((a) => ({
        account_id: a.id,
        name: a.name,
        balance: amountToNumber(a.balance),
        threshold: amountToNumber(a.lowBalanceThreshold ?? 0),
        status: a.status,
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
