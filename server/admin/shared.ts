import { z } from "zod";
import { amountToNumber, parseAmount } from "../billing/money.ts";

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

const DAY = 86_400_000;

/** The start of the UTC day `days - 1` days before today's: a series of `days` days ending today. */
export const daysBack = (days: number, now: number) => Math.floor(now / DAY) * DAY - (days - 1) * DAY;

/** One row of a daily usage series (days since the epoch, money in nano-units) as the API shows it. */
export const dayView = (d: {
  day: number;
  requests: number;
  input: number;
  output: number;
  spend: number;
}) => ({
  day: new Date(d.day * DAY).toISOString().slice(0, 10),
  requests: d.requests,
  input_tokens: d.input,
  output_tokens: d.output,
  spend: amountToNumber(d.spend),
});
