import type { Json } from "../../core/wire-json.ts";

/**
 * Google's REST API takes proto-JSON field names in camelCase or snake_case alike
 * (`inlineData` or `inline_data`; its own curl examples use both). Reads either.
 */
export function field(o: Json | undefined, camel: string): unknown {
  if (!o) return undefined;
  if (o[camel] !== undefined) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}
