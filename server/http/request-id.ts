import { Elysia } from "elysia";
import { newId } from "../core/ids.ts";

/** A fresh `x-request-id` on every response; it is also the request log's primary key. */
export const requestId = new Elysia({ name: "request-id" }).onRequest(({ set }) => {
  set.headers["x-request-id"] = newId("req");
});

export function currentRequestId(headers: Record<string, unknown>): string {
  return String(headers["x-request-id"]);
}
