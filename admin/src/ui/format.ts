import { currentLocale } from "../i18n/index.ts";

/** Counts with the locale's thousands separators: 12,345 (en), 12 345 (ru). */
export const formatCount = (n: number, locale = currentLocale()) => n.toLocaleString(locale);

export const formatPercent = (ratio: number, locale = currentLocale()) =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);

const p2 = (n: number) => String(n).padStart(2, "0");

/**
 * A time in the browser's zone, to the second. English keeps the unambiguous
 * "2026-03-01 14:02:33"; Russian writes the date the Russian way, "01.03.2026 14:02:33".
 * Date and time are always one space apart (TwoLineTime splits there).
 */
export function formatTime(iso: string | null, locale = currentLocale()): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const time = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const y = d.getFullYear();
  const m = p2(d.getMonth() + 1);
  const day = p2(d.getDate());
  return locale.startsWith("ru") ? `${day}.${m}.${y} ${time}` : `${y}-${m}-${day} ${time}`;
}

/** A chart's day label from "2026-03-01": "03-01" (en), "01.03" (ru). */
export function formatShortDay(day: string, locale = currentLocale()): string {
  const [, m = "", d = ""] = day.split("-");
  return locale.startsWith("ru") ? `${d}.${m}` : `${m}-${d}`;
}

export const formatMs = (ms: number | null, locale = currentLocale()) =>
  ms === null ? "—" : `${formatCount(ms, locale)} ${locale.startsWith("ru") ? "мс" : "ms"}`;
