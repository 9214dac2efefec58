import { z } from "zod";

/** Epoch ms as ISO 8601 text in answers (null stays null). */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `?limit=&offset=` of the identity's admin lists. */
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
