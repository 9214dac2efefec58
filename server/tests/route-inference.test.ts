import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestGateway } from "../testing/harness.ts";

/**
 * Elysia reads the source of every handler and hook to decide what to build per request;
 * one hook anywhere that hands its whole context to a function (`(ctx) => f(ctx)`) makes
 * it build everything for every route of the app: the headers as an object, the cookies
 * (an extra await), the query. The billed routes read the Request itself and need none of
 * that; this keeps them from paying for it.
 */
describe("what Elysia builds for every request", () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await TestGateway.start();
  });
  afterAll(async () => {
    await g.running.stop(100);
  });

  test("no headers object, cookie jar, query or body parse app-wide", () => {
    const inference = (g.running.app as unknown as { inference: Record<string, boolean> }).inference;
    expect({
      headers: inference.headers,
      cookie: inference.cookie,
      query: inference.query,
      body: inference.body,
    }).toEqual({ headers: false, cookie: false, query: false, body: false });
  });
});
