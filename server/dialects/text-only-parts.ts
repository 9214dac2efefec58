import { hasImageInput, unsupportedFeature } from "../core/features.ts";
import type { CoreMessage, CoreRequest, ImagePart, TextPart, ToolResultPart } from "../core/request.ts";
import { drop } from "../core/translate.ts";

/**
 * Reading canonical messages for upstreams whose messages are plain text plus function
 * calls (GigaChat, YandexGPT): joining text parts, naming tool results, parsing tool
 * arguments into the JSON objects these APIs take, and refusing what they cannot carry.
 */

export function joinText(parts: (TextPart | { type: string })[], sep = "\n"): string {
  return parts
    .filter((p): p is TextPart => p.type === "text")
    .map((p) => p.text)
    .join(sep);
}

/** A tool result's text; an image inside a result cannot reach a text-only upstream. */
export function toolResultText(part: ToolResultPart, provider: string): string {
  if (part.content.some((c: TextPart | ImagePart) => c.type === "image"))
    throw unsupportedFeature("images inside tool results", provider, "messages");
  return joinText(part.content, "\n");
}

/** Tool call id -> function name, over the whole conversation (results name their function). */
export function toolNamesById(messages: CoreMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages)
    if (m.role === "assistant") for (const p of m.parts) if (p.type === "tool_call") names.set(p.id, p.name);
  return names;
}

/** Arguments an upstream sent (an object, or already JSON text) as canonical JSON text. */
export function argumentsText(v: unknown): string {
  if (typeof v === "string") return v;
  return JSON.stringify(v ?? {});
}

/** Refuses image input and image output for a text-only upstream. */
export function refuseImages(req: CoreRequest, provider: string): void {
  if (req.modalities?.includes("image")) throw unsupportedFeature("image output", provider, "modalities");
  if (hasImageInput(req)) throw unsupportedFeature("image input", provider, "messages");
}

/** Canonical fields no target field carries: dropped and named on the log row. */
export function dropHints(req: CoreRequest, dropped: string[]): void {
  for (const h of req.hints) drop(dropped, h);
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
