import { describe, expect, test } from "bun:test";
import { standardConfig, statusOf, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

withGateway(
  (url) => standardConfig(url),
  (m, t) => {
    mock = m;
    tg = t;
  },
);

const body = { model: "gpt-test", messages: [{ role: "user", content: "pay once" }] };
const used = async (key: string) =>
  (await (await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } })).json())
    .used as number;

describe("Idempotency-Key", () => {
  test("same key and body: the stored answer is replayed, marked, and nothing is billed again", async () => {
    const c = await tg.client(1);
    const first = await c.openai.chat.completions
      .create(body as never, { headers: { "Idempotency-Key": "order-1" } })
      .withResponse();
    expect(first.response.headers.get("idempotent-replayed")).toBeNull();
    const spent = await used(c.key);
    expect(spent).toBeGreaterThan(0);
    const again = await c.openai.chat.completions
      .create(body as never, { headers: { "Idempotency-Key": "order-1" } })
      .withResponse();
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.data).toEqual(first.data);
    expect(mock.received).toHaveLength(1);
    expect(await used(c.key)).toBe(spent);
    // Another key may use the same Idempotency-Key independently.
    const d = await tg.client(1);
    await d.openai.chat.completions.create(body as never, { headers: { "Idempotency-Key": "order-1" } });
    expect(mock.received).toHaveLength(2);
  });

  test("same key with a different body: 422", async () => {
    const c = await tg.client(1);
    await c.openai.chat.completions.create(body as never, { headers: { "Idempotency-Key": "k-422" } });
    const err = await c.openai.chat.completions
      .create({ ...body, temperature: 0.1 } as never, { headers: { "Idempotency-Key": "k-422" } })
      .catch((e) => e as { status: number; error: { code: string } });
    expect(err).toMatchObject({ status: 422, error: { code: "idempotency_key_reused" } });
  });

  test("same key while the first call is still running: 409; with stream: true: 400", async () => {
    const c = await tg.client(1);
    mock.next({ delayMs: 300 });
    const slow = c.openai.chat.completions.create(body as never, { headers: { "Idempotency-Key": "k-409" } });
    await Bun.sleep(50);
    const err = await c.openai.chat.completions
      .create(body as never, { headers: { "Idempotency-Key": "k-409" } })
      .catch((e) => e as { status: number; error: { code: string } });
    expect(err).toMatchObject({ status: 409, error: { code: "idempotency_in_progress" } });
    await slow;
    const streamErr = await c.openai.chat.completions
      .create({ ...body, stream: true } as never, { headers: { "Idempotency-Key": "k-stream" } })
      .catch((e) => e as { status: number; error: { code: string; param: string } });
    expect(streamErr).toMatchObject({
      status: 400,
      error: { code: "idempotency_stream_unsupported", param: "stream" },
    });
  });

  test("a failed call is not stored: the same key may retry and succeed", async () => {
    const c = await tg.client(1);
    mock.next({ status: 500 }, { status: 500 }, { status: 500 });
    expect(
      await statusOf(
        c.openai.chat.completions.create(body as never, { headers: { "Idempotency-Key": "k-retry" } }),
      ),
    ).toBe(502);
    const ok = await c.openai.chat.completions
      .create(body as never, { headers: { "Idempotency-Key": "k-retry" } })
      .withResponse();
    expect(ok.response.headers.get("idempotent-replayed")).toBeNull();
    expect(ok.data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
  });
});
