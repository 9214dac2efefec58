import { createHash } from "node:crypto";
import { isUploadedFile } from "../core/upload.ts";
import { badRequest } from "../errors.ts";

/**
 * Decodes a multipart/form-data body into a plain object the route's zod schema checks,
 * the way the OpenAI SDK encodes one: `key[]` entries (and repeated keys) become arrays,
 * `key[sub]` becomes a nested object, files become UploadedFile values. Every scalar stays
 * text; schemas accept numbers given as text.
 */
export async function parseFormBody(
  bytes: Uint8Array,
  contentType: string,
): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      headers: { "content-type": contentType },
    }).formData();
  } catch {
    throw badRequest(
      "We could not parse the multipart/form-data body of your request.",
      null,
      "invalid_form",
    );
  }
  // Built in Maps, not object literals: a field named `__proto__[x]` or `toString[x]`
  // must never read or write anything inherited (Object.prototype pollution).
  const out = new Map<string, unknown>();
  for (const [name, raw] of form.entries()) {
    // Bun's FormData typing yields strings only; files are File objects at run time.
    const entry = raw as unknown;
    const value: unknown =
      typeof entry === "string"
        ? entry
        : {
            kind: "file",
            name: (entry as File).name,
            type: (entry as File).type || "application/octet-stream",
            data: new Uint8Array(await (entry as File).arrayBuffer()),
          };
    const nested = /^([^[\]]+)\[([^[\]]+)\]$/.exec(name);
    if (nested?.[1] && nested[2]) {
      const key = fieldName(nested[1]);
      const prev = out.get(key);
      if (prev !== undefined && !(prev instanceof Map)) throw conflict(key);
      const parent = prev ?? new Map<string, unknown>();
      parent.set(fieldName(nested[2]), value);
      out.set(key, parent);
      continue;
    }
    const list = name.endsWith("[]");
    const key = fieldName(list ? name.slice(0, -2) : name);
    const prev = out.get(key);
    if (prev instanceof Map) throw conflict(key);
    if (prev === undefined) out.set(key, list ? [value] : value);
    else out.set(key, Array.isArray(prev) ? [...prev, value] : [prev, value]);
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, v instanceof Map ? Object.fromEntries(v) : v]));
}

/** Names that mean something to every JavaScript object; no API of ours takes them. */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

function fieldName(name: string): string {
  if (RESERVED.has(name))
    throw badRequest(`The form field name '${name}' is not allowed.`, name, "invalid_form");
  return name;
}

/** `a=1` and `a[b]=2` in one form: a field cannot be both a value and an object. */
const conflict = (name: string) =>
  badRequest(
    `The form field '${name}' is given both as a value and as an object (${name}[...]).`,
    name,
    "invalid_form",
  );

/**
 * Text that is the same for the same form (idempotency keys): the decoded fields, files by
 * name, type and content hash. Not the raw bytes: a retried upload carries a new boundary.
 */
export function formHashText(form: Record<string, unknown>): string {
  return JSON.stringify(form, (_k, v: unknown) =>
    isUploadedFile(v)
      ? { file: v.name, type: v.type, sha256: createHash("sha256").update(v.data).digest("hex") }
      : v,
  );
}
