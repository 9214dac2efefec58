import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isAsync } from "elysia/compose";
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

  // One onRequest hook Elysia takes for async makes it await that hook on every request and
  // makes its whole request handler async: 0.8 µs more per request (issue 16, docs/performance.md).
  // The checks that sometimes wait do so through http/arrival.ts.
  test("no onRequest hook is awaited", () => {
    const hooks = (g.running.app as unknown as { event: { request: Parameters<typeof isAsync>[0][] } }).event
      .request;
    expect(hooks.length).toBeGreaterThan(0);
    expect(hooks.filter((h) => isAsync(h)).length).toBe(0);
  });
});
