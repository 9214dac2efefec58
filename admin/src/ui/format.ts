import { currentLocale } from "../i18n/index.ts";
import { timeZoneMode } from "./time-zone.ts";

/** Counts with the locale's thousands separators: 12,345 (en), 12 345 (ru). */
export const formatCount = (n: number, locale = currentLocale()) => n.toLocaleString(locale);

export const formatPercent = (ratio: number, locale = currentLocale()) =>
  new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(ratio);

const p2 = (n: number) => String(n).padStart(2, "0");

/**
 * A time in the panel's zone (ui/time-zone.ts: UTC or the browser's), to the second. English
 * keeps the unambiguous "2026-03-01 14:02:33"; Russian writes the date the Russian way,
 * "01.03.2026 14:02:33". Date and time are always one space apart (TwoLineTime splits there).
 */
export function formatTime(iso: string | null, locale = currentLocale()): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const utc = timeZoneMode() === "utc";
  const [y, mo, day, h, mi, sec] = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]
    : [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  const time = `${p2(h)}:${p2(mi)}:${p2(sec)}`;
  return locale.startsWith("ru")
    ? `${p2(day)}.${p2(mo + 1)}.${y} ${time}`
    : `${y}-${p2(mo + 1)}-${p2(day)} ${time}`;
}

/** A chart's day label from "2026-03-01": "03-01" (en), "01.03" (ru). */
export function formatShortDay(day: string, locale = currentLocale()): string {
  const [, m = "", d = ""] = day.split("-");
  return locale.startsWith("ru") ? `${d}.${m}` : `${m}-${d}`;
}

export const formatMs = (ms: number | null, locale = currentLocale()) =>
  ms === null ? "—" : `${formatCount(ms, locale)} ${locale.startsWith("ru") ? "мс" : "ms"}`;
