import { useSyncExternalStore } from "react";
import { i18n } from "../i18n/index.ts";

/**
 * The panel's one time zone setting: UTC, or the browser's own zone. Every time the panel
 * prints, every day a filter or chart starts, follows it; the page header says which.
 * Kept in this browser (localStorage), not on the server: two admins may live in two zones.
 */
export type TimeZoneMode = "utc" | "local";

const STORAGE = "tollgate.time-zone";
const listeners = new Set<() => void>();

function read(): TimeZoneMode {
  try {
    return localStorage.getItem(STORAGE) === "local" ? "local" : "utc";
  } catch {
    return "utc";
  }
}

let mode: TimeZoneMode = read();

export const timeZoneMode = () => mode;

export function setTimeZoneMode(next: TimeZoneMode): void {
  mode = next;
  try {
    localStorage.setItem(STORAGE, next);
  } catch {
    // Private mode: the choice lasts until the tab closes.
  }
  for (const l of listeners) l();
}

export function useTimeZoneMode(): TimeZoneMode {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    timeZoneMode,
    timeZoneMode,
  );
}

/** The browser's zone name and its offset now, e.g. "Europe/Moscow, UTC+3". */
export function browserZone(): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone ?? i18n.t("timeZone.localTime");
  const off = -new Date().getTimezoneOffset();
  const h = Math.trunc(Math.abs(off) / 60);
  const m = Math.abs(off) % 60;
  return `${name}, UTC${off < 0 ? "−" : "+"}${h}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

/** Minutes east of UTC the chosen zone is now (0 in UTC): what the Overview's buckets start at. */
export const zoneOffsetMinutes = () => (mode === "utc" ? 0 : -new Date().getTimezoneOffset());

/** How a page states its zone: "UTC" or "your time zone (Europe/Moscow, UTC+3)", in the panel's language. */
export const zoneLabel = (m: TimeZoneMode = mode) =>
  m === "utc" ? "UTC" : i18n.t("timeZone.yours", { zone: browserZone() });
