import { GatewayError } from "../errors.ts";
import type { CoreRequest } from "./request.ts";

/**
 * Features whose loss would change what the answer means. A target that cannot honour
 * one refuses the request with a 400 naming it, before anything is billed; hints
 * (effort, cache_control, metadata...) are dropped instead, see `drop()`.
 */
export function unsupportedFeature(feature: string, target: string, param: string | null = null) {
  return new GatewayError(
    "invalid_request",
    `This request uses ${feature}, which ${target} cannot honour; remove it or choose another model.`,
    { code: "unsupported_feature", param },
  );
}

export function hasImageInput(req: CoreRequest): boolean {
  for (const m of req.messages)
    for (const p of m.parts) {
      if (p.type === "image") return true;
      if (p.type === "tool_result" && p.content.some((c) => c.type === "image")) return true;
    }
  return false;
}

/** Capability flags a model may declare false in its catalog entry. */
const RESTRICTIONS = ["vision", "tools", "json_schema"] as const;

export function restricts(caps: Record<string, unknown>): boolean {
  return RESTRICTIONS.some((k) => caps[k] === false);
}

/** What a request needs of a model: for `model: "auto"` and the capability check. */
export type Needs = { tools: boolean; images: boolean; jsonSchema: boolean };

/** Refuses features the model declared it lacks (`capabilities: { vision: false, ... }`). */
export function assertCapabilities(needs: Needs, caps: Record<string, unknown>, model: string): void {
  const target = `the model '${model}'`;
  if (caps.vision === false && needs.images) throw unsupportedFeature("image input", target);
  if (caps.tools === false && needs.tools) throw unsupportedFeature("tools", target, "tools");
  if (caps.json_schema === false && needs.jsonSchema)
    throw unsupportedFeature("a required JSON schema (structured output)", target, "response_format");
}

export function featuresOf(req: CoreRequest): Needs {
  return {
    tools: req.tools.length > 0,
    images: hasImageInput(req),
    jsonSchema: req.responseFormat?.type === "json_schema",
  };
}
