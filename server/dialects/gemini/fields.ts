import type { Json } from "../../core/wire-json.ts";

/** camelCase name -> snake_case name, made once per name (a 128 KB history reads a few per part). */
const SNAKE = new Map<string, string>();

function snake(camel: string): string {
  let s = SNAKE.get(camel);
  if (s === undefined) {
    s = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    // The names are the gateway's own constants; the bound only guards against a caller's mistake.
    if (SNAKE.size < 1000) SNAKE.set(camel, s);
  }
  return s;
}

/**
 * Google's REST API takes proto-JSON field names in camelCase or snake_case alike
 * (`inlineData` or `inline_data`; its own curl examples use both). Reads either.
 */
export function field(o: Json | undefined, camel: string): unknown {
  if (!o) return undefined;
  if (o[camel] !== undefined) return o[camel];
  return o[snake(camel)];
}
