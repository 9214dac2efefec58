import type { z } from "zod";
import { formatPath } from "../config/path.ts";
import { badRequest, ClientClosed, GatewayError } from "../errors.ts";

export const tooLarge = (limit: number) =>
  new GatewayError(
    "too_large",
    `Request body is larger than the limit of ${Math.floor(limit / 1024 / 1024)} MB.`,
    // The rest of the body is not read: close rather than drain it.
    { code: "request_too_large", headers: { connection: "close" } },
  );

/** Reads the body as text, refusing more than `limit` bytes (declared or streamed). */
export async function readBody(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return "";
  if (declared !== null) return await uploaded(request, () => request.text());
  return Buffer.from(await uploaded(request, () => readLimited(request, limit))).toString("utf8");
}

/** Reads the body as bytes (multipart uploads), refusing more than `limit` bytes. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();
  if (declared !== null) return new Uint8Array(await uploaded(request, () => request.arrayBuffer()));
  return uploaded(request, () => readLimited(request, limit));
}

/**
 * A client that hangs up mid-upload is ClientClosed (logged `499 client_closed`, like a
 * cancelled stream), not an internal error anyone could inflate the error rate with.
 */
async function uploaded<T>(request: Request, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (request.signal.aborted || (err as Error | null)?.name === "AbortError") throw new ClientClosed();
    throw err;
  }
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** JSON.parse plus a zod schema; errors name the field (`messages[0].role: ...`). */
export function parseJsonBody<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  return checkedJsonBody(parseJsonObject(text), schema);
}

/** JSON.parse of a body that must be an object; anything else is a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest(
      "We could not parse the JSON body of your request: it is not valid JSON.",
      null,
      "invalid_json",
    );
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw badRequest("The request body must be a JSON object.", null, "invalid_json");
  }
  return raw as Record<string, unknown>;
}

/** A parsed body checked for depth, then by the schema. */
export function checkedJsonBody<S extends z.ZodType>(raw: object, schema: S): z.infer<S> {
  if (nestedDeeper(raw, MAX_JSON_DEPTH))
    throw badRequest(
      `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
      null,
      "invalid_json",
    );
  return validateBody(raw, schema);
}

/** No API we serve nests this deep; deeper bodies would overflow the stack when re-encoded. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether parsed JSON nests more than `limit` objects or arrays. Walks containers only
 * (strings and numbers are skipped, so a large image or text costs nothing) and stops at
 * the limit, so its own recursion stays shallow.
 */
function nestedDeeper(value: object, limit: number): boolean {
  if (limit === 0) return true;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const v of items) if (typeof v === "object" && v !== null && nestedDeeper(v, limit - 1)) return true;
  return false;
}

/** A zod schema over a decoded body (JSON or form fields); errors name the field. */
export function validateBody<S extends z.ZodType>(raw: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? formatPath(issue.path) : "";
    throw badRequest(
      `Invalid request body: ${path ? `${path}: ` : ""}${issue?.message ?? "invalid"}`,
      path || null,
      "invalid_request_body",
    );
  }
  return parsed.data;
}
