import { Elysia } from "elysia";
import { badRequest } from "../errors.ts";
import { syncHook } from "./arrival.ts";
import { readBody, tooLarge } from "./body.ts";
import type { ErrorHook } from "./error-hook.ts";
import { requestTarget } from "./request-target.ts";

/**
 * The body limit, enforced by the app on every route so that each refusal is a 413 in the
 * route's own error shape (Bun's own cap answers an empty 413 before any JavaScript runs,
 * so start.ts sets it out of reach). A declared Content-Length over the limit is refused
 * on arrival, before routing. A chunked body is counted as it is read: the client routes
 * read with readBody, and the routes whose body Elysia parses (the admin API) take
 * `limitedParse`. Refusals close the connection, so the rest of the body is never drained.
 * So does the answer to any chunked request (rare: the SDKs declare their lengths): a route
 * that never reads its body (an unknown path, a GET) would otherwise let the runtime drain an
 * endless upload for as long as the client sends.
 */
export const bodyLimit = (limit: number, errors: ErrorHook) =>
  new Elysia({ name: "body-limit" }).onRequest(
    syncHook(({ request, set }) => {
      const declared = request.headers.get("content-length");
      if (declared === null) {
        if (request.body || request.headers.has("transfer-encoding")) set.headers.connection = "close";
        return;
      }
      if (Number(declared) <= limit) return;
      return errors.render({
        error: tooLarge(limit),
        code: "BODY",
        request,
        path: requestTarget(request.url).path,
      });
    }),
  );

/**
 * A parse hook for routes whose body Elysia parses: a chunked body is read up to the limit
 * (then a 413); a declared one was checked on arrival and goes to Elysia's own parsers. Not
 * global: any parse hook makes Elysia parse the client routes' bodies (`parse: "none"`).
 */
export const limitedParse =
  (limit: number) =>
  async ({ request, contentType }: { request: Request; contentType: string }): Promise<unknown> => {
    if (request.headers.has("content-length") || !request.body) return;
    return parseText(await readBody(request, limit), contentType);
  };

/** What Elysia's parsers would make of a body, for the types the admin API takes. */
function parseText(text: string, contentType: string): unknown {
  const type = contentType.toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(text));
  if (!type.includes("json")) return text === "" ? {} : text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  // Elysia falls through to its own parser on a falsy value, and the body is read by then.
  if (value === null || typeof value !== "object")
    throw badRequest(
      "We could not parse the body of your request: it is not a JSON object.",
      null,
      "invalid_json",
    );
  return value;
}
