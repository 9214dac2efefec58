import { Elysia } from "elysia";
import { GatewayError } from "../errors.ts";
import { syncHook } from "./arrival.ts";
import type { ErrorHook } from "./error-hook.ts";
import { requestTarget } from "./request-target.ts";

/**
 * RFC 9110 Host: `uri-host [ ":" port ]`, where uri-host is a reg-name (unreserved,
 * percent-encoded and sub-delim characters) or a bracketed IPv6 literal.
 */
const HOST = /^(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?$/;

/**
 * Whether the request names a usable host. Bun builds `request.url` from the Host header;
 * for a missing or malformed one it leaves the URL relative (`/admin`) or unparsable
 * (`http://[::1/admin`), and the router then reads the wrong path. So such a request is
 * refused before routing, once, with a clear 400 and nothing logged.
 */
export function validHost(request: Request): boolean {
  const host = request.headers.get("host");
  // The grammar keeps out what Bun would mangle; URL.canParse adds the rest (port range, IPv6 syntax).
  return host !== null && HOST.test(host) && URL.canParse(request.url);
}

export const invalidHost = () =>
  new GatewayError(
    "invalid_request",
    "The Host header is missing or malformed: send the server's host name (and port), e.g. `Host: gateway.example.com`.",
    { code: "invalid_host" },
  );

/** Refuses a missing or malformed Host with a 400 in the shape of the route it aimed at. */
export const hostCheck = (errors: ErrorHook) =>
  new Elysia({ name: "host-check" }).onRequest(
    syncHook(({ request }) => {
      if (validHost(request)) return;
      return errors.render({
        error: invalidHost(),
        code: "HOST",
        request,
        path: requestTarget(request.url).path,
      });
    }),
  );
