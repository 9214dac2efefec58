import { z } from "zod";
import { parseMultiplier } from "../../billing/multiplier.ts";
import { AmountInput } from "../shared.ts";

const Limit = z.number().int().positive().nullable();
const Multiplier = z
  .number()
  .positive()
  .transform((v, ctx) => {
    const ppm = parseMultiplier(v);
    if (ppm === null) {
      ctx.addIssue({ code: "custom", message: "from 0.001 to 1000, with at most 6 decimals" });
      return z.NEVER;
    }
    return ppm;
  });

const fields = {
  name: z.string().trim().min(1).max(100),
  default: z.boolean(),
  requests_per_minute: Limit,
  requests_per_day: Limit,
  tokens_per_day: Limit,
  concurrent_requests: Limit,
  models: z.array(z.string().min(1)).min(1).nullable(),
  price_multiplier: Multiplier,
  monthly_fee: AmountInput.refine((v) => v >= 0, "must not be negative"),
};

export const CreatePlan = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, "letters, digits, '.', '_' and '-' only"),
  ...fields,
  default: fields.default.default(false),
  requests_per_minute: Limit.default(null),
  requests_per_day: Limit.default(null),
  tokens_per_day: Limit.default(null),
  concurrent_requests: Limit.default(null),
  models: fields.models.default(null),
  price_multiplier: z.number().positive().default(1).pipe(Multiplier),
  monthly_fee: fields.monthly_fee.default(0),
});

export const UpdatePlan = z.object(fields).partial();

export const AssignPlan = z.object({ plan_id: z.string().min(1).nullable() });
