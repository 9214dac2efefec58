import { timeZoneMode } from "./time-zone.ts";

/** A calendar day ("2026-03-01") in the panel's zone as an ISO instant: its start, or the start of a later day. */
export const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split("-").map(Number);
  return timeZoneMode() === "utc"
    ? new Date(Date.UTC(y!, m! - 1, d! + plusDays)).toISOString()
    : new Date(y!, m! - 1, d! + plusDays).toISOString();
};

/** A from–to range of days (the panel's zone) as instants: from at its start, to at the end of its day (exclusive). */
export const dayRange = (from: string, to: string) => ({
  from: from ? dayStart(from) : undefined,
  to: to ? dayStart(to, 1) : undefined,
});
