import { z } from "zod";
import { parseMultiplier } from "../billing/multiplier.ts";
import { NonNegativeAmount } from "./amount.ts";

const Limit = z.number().int().positive().nullable().default(null);

/** A plan in tollgate.yaml (`plans:`): limits are per account; null or absent is no limit. */
export const PlanDecl = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, "letters, digits, '.', '_' and '-' only"),
    name: z.string().trim().min(1).max(100),
    /** New sign-ups get it, and accounts whose plan's fee cannot be paid fall back to it. */
    default: z.boolean().default(false),
    requests_per_minute: Limit,
    requests_per_day: Limit,
    tokens_per_day: Limit,
    concurrent_requests: Limit,
    /** Public model ids the plan may use; absent: every model. */
    models: z.array(z.string().min(1)).min(1).nullable().default(null),
    price_multiplier: z
      .number()
      .positive()
      .default(1)
      .transform((v, ctx) => {
        const ppm = parseMultiplier(v);
        if (ppm === null) {
          ctx.addIssue({ code: "custom", message: "from 0.001 to 1000, with at most 6 decimals" });
          return z.NEVER;
        }
        return ppm;
      }),
    /** Charged from the balance as each UTC month starts. */
    monthly_fee: NonNegativeAmount.default(0),
  })
  .strict();

export type PlanDecl = z.infer<typeof PlanDecl>;

export const PlansDecl = z
  .array(PlanDecl)
  .default([])
  .superRefine((plans, ctx) => {
    const ids = new Set<string>();
    plans.forEach((p, i) => {
      if (ids.has(p.id))
        ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate plan "${p.id}"` });
      ids.add(p.id);
      if (p.default && p.monthly_fee > 0)
        ctx.addIssue({
          code: "custom",
          path: [i, "monthly_fee"],
          message: "the default plan cannot have a fee: accounts that cannot pay fall back to it",
        });
    });
    const defaults = plans.filter((p) => p.default);
    if (defaults.length > 1)
      ctx.addIssue({
        code: "custom",
        message: `one default plan at most (${defaults.map((p) => p.id).join(", ")})`,
      });
    const paid = plans.findIndex((p) => p.monthly_fee > 0);
    if (paid !== -1 && defaults.length === 0)
      ctx.addIssue({
        code: "custom",
        path: [paid, "monthly_fee"],
        message: "a plan with a fee needs a default plan (without a fee) to fall back to",
      });
  });
