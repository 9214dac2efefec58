import { countedPromptBound } from "../billing/prompt-bound.ts";
import { type Plan, type PlanInput, planReservation } from "../billing/reserve-plan.ts";

/**
 * The reservation of a chat call, with the prompt bounded cheaply first: its byte length
 * (a BPE token is at least one byte), which needs no tokenizer but is three to five times
 * the real count. When that loose bound would cost the client anything (a refusal, or a
 * max_tokens lowered below what was asked), the prompt is counted with the tokenizer (plus
 * a margin, see billing/prompt-bound.ts) and the tighter plan is taken. A client with
 * money to spare never pays for the tokenizer; one near the end of its balance is not
 * refused, nor has its answer cut short, because of the byte bound.
 */
export function refinedPlan(
  base: Omit<PlanInput, "inputTokens">,
  byteBound: number,
  countPrompt: () => number,
): Plan {
  const loose = planReservation({ ...base, inputTokens: byteBound });
  if (loose.ok && !loose.clamped && loose.amount <= base.available / 2) return loose;
  const counted = countedPromptBound(countPrompt());
  if (counted >= byteBound) return loose;
  // A smaller prompt bound can only afford more: this plan is never worse than the loose one.
  return planReservation({ ...base, inputTokens: counted });
}
