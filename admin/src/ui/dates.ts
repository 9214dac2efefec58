/** A local calendar day ("2026-03-01") as an ISO instant: its start, or the start of a later day. */
export const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
};

/** A from–to range of local days as instants: from at its start, to at the end of its day (exclusive). */
export const dayRange = (from: string, to: string) => ({
  from: from ? dayStart(from) : undefined,
  to: to ? dayStart(to, 1) : undefined,
});
