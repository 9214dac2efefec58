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
    );
  };
}
