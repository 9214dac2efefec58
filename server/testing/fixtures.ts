import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreRequest } from "../core/request.ts";
import type { SseEvent } from "../sse/parser.ts";
import { SseParser } from "../sse/parser.ts";

const DIR = join(import.meta.dir, "fixtures");

/** A recorded upstream body (see fixtures/README.md), as text. */
export function fixtureText(path: string): string {
  return readFileSync(join(DIR, path), "utf8");
}

export function fixtureJson(path: string): Record<string, unknown> {
  return JSON.parse(fixtureText(path)) as Record<string, unknown>;
}

/** A recorded SSE stream as the events the gateway's parser yields. */
export function fixtureSse(path: string): SseEvent[] {
  const p = new SseParser();
  return [...p.push(new TextEncoder().encode(fixtureText(path))), ...p.end()];
}

/** A recorded newline-delimited JSON stream, one event per line (what the provider yields). */
export function fixtureLines(path: string): SseEvent[] {
  return fixtureText(path)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((data) => ({ data }));
}

/** A canonical request with defaults, for translator tests. */
export function coreRequest(over: Partial<CoreRequest> = {}): CoreRequest {
  return {
    model: "public-model",
    system: [],
    messages: [{ role: "user", parts: [{ type: "text", text: "Hi" }] }],
    tools: [],
    maxTokens: null,
    stop: [],
    stream: false,
    hints: [],
    ...over,
  };
}
