import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreStreamEvent } from "../core/stream.ts";
import type { StreamDecoder } from "../core/translate.ts";
import { SseParser } from "../sse/parser.ts";

/** A recorded upstream stream from testing/fixtures/. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dir, "fixtures", name)));
}

/** Runs bytes, cut at `cuts`, through the SSE parser and a fresh decoder (end included). */
export function decodeSplit(
  bytes: Uint8Array,
  cuts: number[],
  decoder: () => StreamDecoder,
): CoreStreamEvent[] {
  const parser = new SseParser();
  const decode = decoder();
  const out: CoreStreamEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    for (const ev of parser.push(bytes.subarray(prev, c))) out.push(...decode(ev));
    prev = c;
  }
  for (const ev of parser.end()) out.push(...decode(ev));
  if (decode.end) out.push(...decode.end());
  return out;
}

/** What a canonical event list says, folded: text, thinking, tool calls, stop, last usage fields. */
export function fold(events: CoreStreamEvent[]) {
  const calls: { id: string; name: string; args: string }[] = [];
  let text = "";
  let thinking = "";
  let signature = "";
  let stop: string | null = null;
  const usage: Record<string, number> = {};
  let starts = 0;
  for (const e of events) {
    if (e.type === "start") starts++;
    else if (e.type === "text_delta") text += e.text;
    else if (e.type === "thinking_delta") {
      thinking += e.text;
      signature += e.signature ?? "";
    } else if (e.type === "tool_call_start") calls[e.index] = { id: e.id, name: e.name, args: "" };
    else if (e.type === "tool_call_delta") {
      const c = calls[e.index];
      if (c) c.args += e.arguments;
    } else if (e.type === "stop") stop = e.reason;
    else if (e.type === "usage") Object.assign(usage, e.usage);
  }
  return { starts, text, thinking, signature, calls, stop, usage };
}

/** Every single cut point, plus byte-by-byte. */
export function splits(length: number): number[][] {
  const out: number[][] = [[]];
  for (let i = 1; i < length; i++) out.push([i]);
  out.push(Array.from({ length: length - 1 }, (_, i) => i + 1));
  return out;
}

/** Canonical events of an answer with text, then one tool call whose arguments come in pieces. */
export const SAMPLE_EVENTS: CoreStreamEvent[] = [
  { type: "start", id: "abc", model: "up", created: 1_700_000_000 },
  { type: "text_delta", text: "Let me " },
  { type: "text_delta", text: "check." },
  { type: "tool_call_start", index: 0, id: "call_1", name: "get_weather" },
  { type: "tool_call_delta", index: 0, arguments: '{"city":' },
  { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
  { type: "usage", usage: { inputTokens: 30, cachedTokens: 10, outputTokens: 12 } },
  { type: "stop", reason: "tool_calls" },
];

/** Runs events through a surface stream encoder, as the gateway does (finish after the charge). */
export function encodeAll(
  enc: {
    push(e: CoreStreamEvent): string;
    finish(u: { inputTokens: number; cachedTokens: number; outputTokens: number }): string;
  },
  events: CoreStreamEvent[],
): string {
  let out = "";
  for (const e of events) if (e.type !== "usage") out += enc.push(e);
  return out + enc.finish({ inputTokens: 30, cachedTokens: 10, outputTokens: 12 });
}
