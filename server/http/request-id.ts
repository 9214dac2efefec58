import { Elysia } from "elysia";

/** A fresh `x-request-id` on every response; it is also the request log's primary key. */
export const requestId = new Elysia({ name: "request-id" }).onRequest(({ set }) => {
  set.headers["x-request-id"] = `req_${Bun.randomUUIDv7().replaceAll("-", "")}`;
});

export function currentRequestId(headers: Record<string, unknown>): string {
  return String(headers["x-request-id"]);
}
