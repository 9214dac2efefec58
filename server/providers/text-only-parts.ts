import type { CoreMessage, CoreRequest, ImagePart, TextPart, ToolResultPart } from "../core/request.ts";
import { GatewayError } from "../errors.ts";

/**
 * Reading canonical messages for upstreams whose messages are plain text plus function
 * calls (GigaChat, YandexGPT): joining text parts, naming tool results, parsing tool
 * arguments into the JSON objects these APIs take, and refusing what they cannot carry.
 */

/** A feature the target cannot honour without changing the answer: 400, naming it. */
export function unsupported(provider: string, feature: string, param: string | null = null): GatewayError {
  return new GatewayError(
    "invalid_request",
    `The model's provider (${provider}) does not support ${feature}; remove it from the request or choose another model.`,
    { code: "unsupported_feature", param },
  );
}

export function joinText(parts: (TextPart | { type: string })[], sep = "\n"): string {
  return parts
    .filter((p): p is TextPart => p.type === "text")
    .map((p) => p.text)
    .join(sep);
}

/** A tool result's text; an image inside a result cannot reach a text-only upstream. */
export function toolResultText(part: ToolResultPart, provider: string): string {
  if (part.content.some((c: TextPart | ImagePart) => c.type === "image"))
    throw unsupported(provider, "images inside tool results", "messages");
  return joinText(part.content, "\n");
}

/** Tool call id -> function name, over the whole conversation (results name their function). */
export function toolNamesById(messages: CoreMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages)
    if (m.role === "assistant") for (const p of m.parts) if (p.type === "tool_call") names.set(p.id, p.name);
  return names;
}

/**
 * Tool call arguments as the JSON object these APIs expect. Arguments are JSON text in the
 * canonical model; text that is not a JSON object (a truncated call replayed by a client)
 * is sent as `{}` rather than refused, since the call already happened.
 */
export function argumentsObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Arguments an upstream sent (an object, or already JSON text) as canonical JSON text. */
export function argumentsText(v: unknown): string {
  if (typeof v === "string") return v;
  return JSON.stringify(v ?? {});
}

/** Refuses image input and image output for a text-only upstream. */
export function refuseImages(req: CoreRequest, provider: string): void {
  if (req.modalities?.includes("image")) throw unsupported(provider, "image output", "modalities");
  for (const m of req.messages)
    for (const p of m.parts) if (p.type === "image") throw unsupported(provider, "image input", "messages");
}

/** Canonical fields no target field carries: dropped and named on the log row. */
export function dropHints(req: CoreRequest, dropped: string[]): void {
  for (const h of req.hints) if (!dropped.includes(h)) dropped.push(h);
}

export function drop(dropped: string[], name: string): void {
  if (!dropped.includes(name)) dropped.push(name);
}

let seq = 0;
/** An id for a call or answer the upstream did not name. */
export function localId(prefix: string): string {
  seq = (seq + 1) % 1_000_000;
  return `${prefix}${Date.now().toString(36)}${seq.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export const intOf = (v: unknown): number | undefined => {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
};
