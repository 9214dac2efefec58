/** Counts with thousands separators: 12,345. */
export const formatCount = (n: number) => n.toLocaleString("en-US");

export const formatPercent = (ratio: number) =>
  `${(ratio * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

/** A time in the browser's zone, to the second: "2026-03-01 14:02:33". */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const formatMs = (ms: number | null) => (ms === null ? "—" : `${formatCount(ms)} ms`);
