import { z } from "zod";
import { parseAmount } from "../billing/money.ts";

/** A decimal amount in the deployment currency, converted to exact nano-units. */
export const Amount = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const units = parseAmount(v);
  if (units === null) {
    ctx.addIssue({
      code: "custom",
      message: `not an exact amount with at most 9 decimals: ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return units;
});
export const NonNegativeAmount = Amount.refine((v) => v >= 0, "must not be negative");
