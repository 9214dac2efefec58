import type { z } from "zod";
import { currentRequestId } from "../http/request-id.ts";
import type { CallServices } from "./call-services.ts";
import { type ClientCallSpec, clientCall } from "./client-call.ts";

/**
 * Where the /v1 routes also answer: users copy base URLs ending in /v1 into clients that
 * append /v1/... themselves (the AIGate guide's Claude Code set-up does), so
 * `/v1/v1/messages` must answer like `/v1/messages`.
 */
export const V1_PREFIXES = ["/v1", "/v1/v1"] as const;

/**
 * An Elysia handler that runs the billed pipeline with a spec built for each request.
 * `longRunning` lifts Bun's idle timeout for the request (synchronous video renders).
 */
export function clientHandler<S extends z.ZodType>(
  gw: CallServices,
  spec: (request: Request) => ClientCallSpec<S>,
  opts: { longRunning?: boolean } = {},
) {
  return ({
    request,
    set,
    server,
  }: {
    request: Request;
    set: { headers: Record<string, unknown> };
    server?: { timeout(request: Request, seconds: number): void } | null;
  }) => {
    if (opts.longRunning) server?.timeout(request, 0);
    return clientCall(
      gw,
      { request, headers: set.headers as Record<string, string>, requestId: currentRequestId(set.headers) },
      spec(request),
    ).then((res) => withSetHeaders(res, set));
  };
}

/**
 * Moves the headers gathered on Elysia's `set` (the request id, the rate limits) onto the
 * answer itself, the answer's own winning as in Elysia's merge. With `set.headers` left
 * non-empty Elysia copies every answer into a second Response with merged Headers (about
 * 2% of a small request's CPU); emptied, it hands this one on as it is. A refusal (thrown)
 * keeps them on `set` for the error hook. Headers that cannot be changed (an upstream's
 * own Response) are left to Elysia's merge.
 */
function withSetHeaders(res: Response, set: { headers: Record<string, unknown> }): Response {
  try {
    for (const [name, value] of Object.entries(set.headers))
      if (!res.headers.has(name)) res.headers.set(name, String(value));
  } catch {
    return res;
  }
  set.headers = {};
  return res;
}
