import { amountToNumber } from "../../billing/money.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import type { StatsTotals, StatsView } from "./model.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TOP = 5;

type Row = { requests: number; errors: number; input: number; output: number; spend: number };
const SUMS = `count(*) AS requests, coalesce(sum(outcome = 'error'), 0) AS errors,
  coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost), 0) AS spend`;

const totals = (r: Row | undefined): StatsTotals => ({
  requests: r?.requests ?? 0,
  errors: r?.errors ?? 0,
  error_rate: r?.requests ? r.errors / r.requests : 0,
  input_tokens: r?.input ?? 0,
  output_tokens: r?.output ?? 0,
  spend: amountToNumber(r?.spend ?? 0),
});

/** Buckets of `size` ms from `from`, `n` of them, zero-filled from grouped rows. */
function series(rows: (Row & { bucket: number })[], from: number, size: number, n: number) {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return Array.from({ length: n }, (_, i) => {
    const start = from + i * size;
    return { start, ...totals(byBucket.get(start / size)) };
  });
}

/** The overview page's numbers, straight from the request log (money summed in nano-units). */
export function stats(gw: Gateway, days: number, now = Date.now()): StatsView {
  const today = Math.floor(now / DAY) * DAY;
  const from = today - (days - 1) * DAY;
  const q = gw.sqlite;
  const sum = (since: number) =>
    q.query(`SELECT ${SUMS} FROM request_log WHERE created_at >= ?`).get(since) as Row | undefined;
  const grouped = (size: number, since: number) =>
    q
      .query(
        `SELECT created_at / ? AS bucket, ${SUMS} FROM request_log WHERE created_at >= ? GROUP BY bucket`,
      )
      .all(size, since) as (Row & { bucket: number })[];
  const models = q
    .query(
      `SELECT model, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output,
         coalesce(sum(cost), 0) AS spend
       FROM request_log WHERE created_at >= ? AND model IS NOT NULL
       GROUP BY model ORDER BY spend DESC, requests DESC LIMIT ?`,
    )
    .all(from, TOP) as { model: string; requests: number; input: number; output: number; spend: number }[];
  const keys = q
    .query(
      `SELECT l.key_id AS keyId, k.name AS name, l.account_id AS accountId, count(*) AS requests, coalesce(sum(l.cost), 0) AS spend
       FROM request_log l LEFT JOIN api_keys k ON k.id = l.key_id
       WHERE l.created_at >= ? AND l.key_id IS NOT NULL
       GROUP BY l.key_id ORDER BY spend DESC, requests DESC LIMIT ?`,
    )
    .all(from, TOP) as {
    keyId: string;
    name: string | null;
    accountId: string | null;
    requests: number;
    spend: number;
  }[];

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
