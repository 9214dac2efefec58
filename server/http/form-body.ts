import { createHash } from "node:crypto";
import { badRequest } from "../errors.ts";

/** A file from a multipart body, held in memory (bounded by the body limit). */
export type UploadedFile = { kind: "file"; name: string; type: string; data: Uint8Array };

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "file";
}

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
  const out: Record<string, unknown> = {};
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
      const parent = (out[nested[1]] ?? {}) as Record<string, unknown>;
      parent[nested[2]] = value;
      out[nested[1]] = parent;
      continue;
    }
    const list = name.endsWith("[]");
    const key = list ? name.slice(0, -2) : name;
    const prev = out[key];
    if (prev === undefined) out[key] = list ? [value] : value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

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
