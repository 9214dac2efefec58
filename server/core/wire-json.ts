/**
 * Reading untyped wire JSON (upstream answers, loose client bodies) without `any`:
 * each accessor returns the value when it has the expected type, else a neutral default.
 */
export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The array's elements that are objects. */
export function objs(v: unknown): Json[] {
  return arr(v).flatMap((x) => {
    const o = obj(x);
    return o ? [o] : [];
  });
}

/**
 * `table[key]` for a key that came off the wire: only the table's own entries, so
 * "constructor" or "__proto__" find nothing instead of Object.prototype's members.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** JSON.parse that answers undefined instead of throwing, and only for objects. */
export function parseObject(text: string): Json | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Tool arguments as an object: parsed JSON text, `{}` for empty or invalid text. */
export function argsObject(text: string): Json {
  if (text.trim() === "") return {};
  return parseObject(text) ?? {};
}
