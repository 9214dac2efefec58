import { z } from "zod";
import { parseAmount } from "../billing/money.ts";

/** A decimal amount in the deployment currency (number or string), converted to nano-units. */
export const AmountInput = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const units = parseAmount(v);
  if (units === null) {
    ctx.addIssue({ code: "custom", message: "must be a decimal amount with at most 9 decimals" });
    return z.NEVER;
  }
  return units;
});

/** A time as ISO 8601 text or epoch milliseconds, converted to epoch ms. */
export const TimeInput = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === "number" ? v : Date.parse(v)));

/** A time in a query string (ISO 8601 or epoch ms), optional. */
export const QueryTime = z
  .union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .pipe(TimeInput)
  .optional();

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
