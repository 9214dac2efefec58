/**
 * One deadline bounds a client request across all its upstream attempts and retries
 * (routing.request_timeout_ms): a hung upstream costs the client that long, not
 * max_attempts times the provider's first-byte timeout. Past it: 504 request_timeout in
 * the route's own shape, nothing billed. A stream that has started is not cut by it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

/** Far below the provider's first-byte timeout (3000 ms), so only the deadline can end a hung call. */
const DEADLINE_MS = 600;

let mock: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({
    config: `${standardConfig(mock.url)}routing: { request_timeout_ms: ${DEADLINE_MS}, circuit_breaker: { enabled: false } }\n`,
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});
beforeEach(() => mock.reset());

type Row = {
  status: number;
  error_code: string | null;
  cost: number;
  attempts: { status: number | null; error?: string; retry: boolean }[];
};
const lastRow = async (keyId: string) => {
  await tg.gw.commits.idle();
  return (await tg.admin<{ data: Row[] }>("GET", `/requests?key_id=${keyId}`)).body.data[0]!;
};
const balance = async (accountId: string) =>
  (await tg.admin<{ balance: number }>("GET", `/accounts/${accountId}`)).body.balance;

type ApiErr = { status: number; error: { code: string; type: string } };
/** One chat call with the openai SDK; its error (null when it answered). */
const chatError = (client: TestClient["openai"], extra: { stream?: true } = {}) =>
  (
    client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      ...extra,
    }) as Promise<unknown>
  ).then(
    () => null,
    (e) => e as ApiErr,
  );
type TestClient = Awaited<ReturnType<TestGateway["client"]>>;

async function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { type?: string; error: Record<string, unknown> },
  };
}

describe("a hung upstream", () => {
  test("OpenAI: 504 request_timeout after one attempt, not three first-byte timeouts; nothing billed", async () => {
    const c = await tg.client(1);
    mock.always({ hang: true });
    const err = await chatError(c.openai);
    expect(err?.status).toBe(504);
    expect(err?.error).toMatchObject({ code: "request_timeout", type: "api_error" });
    // The hung attempt was cut by the deadline: no second or third attempt was started.
    expect(mock.received).toHaveLength(1);
    const row = await lastRow(c.keyId);
    expect(row).toMatchObject({ status: 504, error_code: "request_timeout", cost: 0 });
    expect(row.attempts.map((a) => a.error)).toEqual(["request_timeout"]);
    expect(await balance(c.accountId)).toBe(1);
  });

  test("a stream that never starts is the same 504, as a JSON error before any event", async () => {
    const c = await tg.client(1);
    mock.always({ hang: true });
    const err = await chatError(c.openai, { stream: true });
    expect(err?.status).toBe(504);
    expect(err?.error.code).toBe("request_timeout");
  });

  test("Anthropic shape: timeout_error with the code request_timeout", async () => {
    const c = await tg.client(1);
    mock.always({ hang: true });
    const r = await post(
      "/v1/messages",
      c.key,
      { model: "gpt-test", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
      { "anthropic-version": "2023-06-01" },
    );
    expect(r.status).toBe(504);
    expect(r.body.type).toBe("error");
    expect(r.body.error).toMatchObject({ type: "timeout_error", code: "request_timeout" });
  });

  test("Gemini shape: DEADLINE_EXCEEDED with the reason REQUEST_TIMEOUT", async () => {
    const c = await tg.client(1);
    mock.always({ hang: true });
    const r = await post("/v1beta/models/gpt-test:generateContent", c.key, {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    });
    expect(r.status).toBe(504);
    expect(r.body.error).toMatchObject({ code: 504, status: "DEADLINE_EXCEEDED" });
    expect(r.body.error.details).toContainEqual(expect.objectContaining({ reason: "REQUEST_TIMEOUT" }));
  });

  test("a retry gets only what the failed attempt left: the hung retry ends at the same deadline", async () => {
    const c = await tg.client(1);
    mock.next({ status: 500 }).always({ hang: true });
    const err = await chatError(c.openai);
    expect(err?.status).toBe(504);
    expect(err?.error.code).toBe("request_timeout");
    const row = await lastRow(c.keyId);
    expect(row.attempts.map((a) => [a.status, a.error ?? null, a.retry])).toEqual([
      [502, "upstream_error", false],
      [504, "request_timeout", true],
    ]);
    expect(mock.received).toHaveLength(2);
  });
});

describe("answers within the deadline", () => {
  test("a stream that started is not cut when it runs past the deadline", async () => {
    const c = await tg.client(1);
    // Seven gaps of 150 ms: the stream lasts about twice the deadline.
    mock.next({ text: "one two three four five", chunks: 5, chunkDelayMs: 150 });
    const stream = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta?.content ?? "";
    expect(text).toBe("one two three four five");
    expect((await lastRow(c.keyId)).status).toBe(200);
  });

  test("a slow but answering upstream is served", async () => {
    const c = await tg.client(1);
    mock.next({ delayMs: 100 });
    const res = await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the mock upstream.");
  });
});

test("request_timeout_ms: 0 turns the deadline off: each attempt ends at the provider's own timeout", async () => {
  const own = await TestGateway.start({
    config: `${standardConfig(mock.url).replace("first_byte_ms: 3000", "first_byte_ms: 200")}routing: { request_timeout_ms: 0, max_attempts: 2, circuit_breaker: { enabled: false } }\n`,
  });
  try {
    const c = await own.client(1);
    mock.always({ hang: true });
    const err = await chatError(c.openai);
    expect(err?.status).toBe(504);
    expect(err?.error.code).toBe("upstream_timeout");
    expect(mock.received).toHaveLength(2);
  } finally {
    await own.stop();
  }
});
