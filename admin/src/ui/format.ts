import { timeZoneMode } from "./time-zone.ts";

/** Counts with thousands separators: 12,345. */
export const formatCount = (n: number) => n.toLocaleString("en-US");

export const formatPercent = (ratio: number) =>
  `${(ratio * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

/** A time in the panel's zone (ui/time-zone.ts: UTC or the browser's), to the second: "2026-03-01 14:02:33". */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  if (timeZoneMode() === "utc")
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const formatMs = (ms: number | null) => (ms === null ? "—" : `${formatCount(ms)} ms`);
