import { describe, expect, test } from "bun:test";
import { standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";

/**
 * A billed answer carries the headers gathered while it was made: its request id (the log
 * row's key), the key's rate-limit window and the model that answered. The route moves
 * them onto its own Response (gateway/client-route.ts) so Elysia does not copy every answer.
 */
let tg: TestGateway;
withGateway(
  (url) => standardConfig(url),
  (_mock, g) => {
    tg = g;
  },
);

const post = (key: string, body: Record<string, unknown>) =>
  fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }], ...body }),
  });

describe("headers on a billed answer", () => {
  for (const stream of [false, true])
    test(`${stream ? "a stream" : "a JSON answer"}: request id of its log row, rate limits, model`, async () => {
      const c = await tg.client(100, { rpm_limit: 50 });
      const res = await post(c.key, { stream });
      expect(res.status).toBe(200);
      await res.text();
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get("x-ratelimit-limit")).toBe("50");
      expect(res.headers.get("x-ratelimit-remaining")).toBe("49");
      expect(res.headers.get("x-tollgate-model")).toBe("gpt-test");
      expect(res.headers.get("content-type")).toContain(stream ? "text/event-stream" : "application/json");
      expect(res.headers.get("x-request-id")?.includes(",")).toBe(false);
      expect((await tg.logRows(c.keyId)).map((r) => r.id)).toEqual([id]);
    });
});
