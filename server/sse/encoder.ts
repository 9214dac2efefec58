import type { SseEvent } from "./parser.ts";

const encoder = new TextEncoder();

/** Serialises one event; multi-line data becomes several `data:` lines. */
export function encodeSse(ev: SseEvent): string {
  let out = "";
  if (ev.event !== undefined) out += `event: ${ev.event}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id}\n`;
  out += ev.data.includes("\n")
    ? ev.data
        .split("\n")
        .map((l) => `data: ${l}\n`)
        .join("")
    : `data: ${ev.data}\n`;
  return `${out}\n`;
}

export function sseBytes(ev: SseEvent): Uint8Array {
  return encoder.encode(encodeSse(ev));
}

/** One `data` event; data of several lines (an upstream's multi-line event) as several `data:` lines. */
export function dataBytes(data: string): Uint8Array {
  return encoder.encode(data.includes("\n") ? encodeSse({ data }) : `data: ${data}\n\n`);
}
