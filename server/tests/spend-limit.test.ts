/**
 * A key at its own spend limit is not an empty account: the refusal says which limit was
 * reached (message and code, in each route's own error shape), and the admin API tells
 * the panel that the key is at its limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { MockOpenAIMedia } from "../testing/mock-openai-media.ts";

let mock: MockOpenAI;
let media: MockOpenAIMedia;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  media = new MockOpenAIMedia().start();
  const config = standardConfig(
    mock.url,
    `  - id: embed-test
    routes: [{ provider: media, model: text-embedding-3-small }]
    prices: { input: 1 }
`,
  ).replace(
    "models:",
    `  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }\nmodels:`,
  );
  tg = await TestGateway.start({ config });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  media.stop();
});
beforeEach(() => {
  mock.reset();
  media.reset();
});

type Shape = "openai" | "anthropic" | "google";
/** An error body of any of the three shapes (fields a shape lacks are absent). */
type ErrorBody = {
  type?: string;
  error: {
    message: string;
    code: string | number;
    type?: string;
    status?: string;
    details?: Record<string, string>[];
  };
};

/** One chat call on each surface, by raw HTTP so the whole error body is seen. */
async function chat(shape: Shape, key: string): Promise<{ status: number; body: ErrorBody }> {
  const user = "Say hello.";
  const [path, body, headers] =
    shape === "openai"
      ? ["/v1/chat/completions", { model: "gpt-test", messages: [{ role: "user", content: user }] }, {}]
      : shape === "anthropic"
        ? [
            "/v1/messages",
            { model: "gpt-test", max_tokens: 100, messages: [{ role: "user", content: user }] },
            { "anthropic-version": "2023-06-01" },
          ]
        : [
            "/v1beta/models/gpt-test:generateContent",
            { contents: [{ role: "user", parts: [{ text: user }] }] },
            {},
          ];
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

/** The machine-readable code of an error body, wherever its shape puts it. */
function codeOf(shape: Shape, body: ErrorBody): string {
  if (shape === "openai") return String(body.error.code);
  if (shape === "anthropic") {
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("billing_error");
    return String(body.error.code);
  }
  expect(body.error.status).toBe("RESOURCE_EXHAUSTED");
  expect(body.error.code).toBe(402);
  const info = (body.error.details ?? []).find(
    (d) => d["@type"] === "type.googleapis.com/google.rpc.ErrorInfo",
  );
  return info?.reason ?? "";
}

const key = async (id: string) =>
  (
    await tg.admin<{ status: string; limit_reached: boolean; spend_remaining: number | null }>(
      "GET",
      `/keys/${id}`,
    )
  ).body;

describe("a key at its own spend limit while its account holds money", () => {
  for (const shape of ["openai", "anthropic", "google"] as const) {
    test(`${shape}: 402 says the key's limit was reached, not the balance`, async () => {
      const c = await tg.client(100, { spend_limit: 0 });
      const r = await chat(shape, c.key);
      expect(r.status).toBe(402);
      const code = codeOf(shape, r.body);
      expect(code.toLowerCase()).toBe("key_spend_limit_reached");
      const message = r.body.error.message;
      expect(message).toContain("spend limit");
      expect(message).not.toContain("Insufficient balance");
      expect(mock.received).toHaveLength(0);
    });

    test(`${shape}: an empty account without a key limit still says so (insufficient_quota)`, async () => {
      const c = await tg.client(0);
      const r = await chat(shape, c.key);
      expect(r.status).toBe(402);
      expect(codeOf(shape, r.body).toLowerCase()).toBe("insufficient_quota");
      expect(r.body.error.message).toContain("Top up");
    });
  }

  test("whichever limit leaves less is the one named: a key limit above the balance is not blamed", async () => {
    const c = await tg.client(0, { spend_limit: 5 });
    const r = await chat("openai", c.key);
    expect(r.status).toBe(402);
    expect(r.body.error.code).toBe("insufficient_quota");
  });

  test("the same on a media route (embeddings)", async () => {
    const c = await tg.client(100, { spend_limit: 0 });
    const res = await fetch(`${tg.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "embed-test", input: "some text to embed" }),
    });
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("key_spend_limit_reached");
    expect(media.received).toHaveLength(0);
  });

  test("the log row carries the code, so the request log tells the two refusals apart", async () => {
    const c = await tg.client(100, { spend_limit: 0 });
    await chat("openai", c.key);
    await tg.gw.commits.idle();
    const [row] = await tg.logRows(c.keyId);
    expect(row?.error_code).toBe("key_spend_limit_reached");
  });
});

describe("the admin API shows a key at its limit", () => {
  test("a key spent up to its limit by real calls is limit_reached; raising the limit clears it", async () => {
    // About 0.000018 a call (10 prompt tokens at 1, 4 answer tokens at 2 per 1M).
    // Chat only: the embeddings model bills no output, so a cheaper call would still fit.
    const c = await tg.client(100, { spend_limit: "0.0001", models: ["gpt-test"] });
    expect(await key(c.keyId)).toMatchObject({
      status: "active",
      limit_reached: false,
      spend_remaining: 0.0001,
    });
    let refused: ErrorBody | null = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await chat("openai", c.key);
      if (r.status !== 200) refused = r.body;
    }
    expect(refused?.error.code).toBe("key_spend_limit_reached");
    const view = await key(c.keyId);
    expect(view.status).toBe("active");
    expect(view.limit_reached).toBe(true);
    expect(view.spend_remaining).toBeLessThan(0.0001);
    const list = await tg.admin<{ data: { id: string; limit_reached: boolean }[] }>("GET", "/keys");
    expect(list.body.data.find((k) => k.id === c.keyId)?.limit_reached).toBe(true);

    const raised = await tg.admin<{ limit_reached: boolean }>("PATCH", `/keys/${c.keyId}`, {
      spend_limit: 1,
    });
    expect(raised.body.limit_reached).toBe(false);
    expect((await chat("openai", c.key)).status).toBe(200);
  });

  test("a key is limit_reached only when no model it may use fits in what is left", async () => {
    // 0.00004 left: below the smallest chat reservation (25 prompt and 16 answer tokens, 0.000057),
    // above the smallest embeddings one (25 prompt tokens, 0.000025).
    const both = await tg.client(100, { spend_limit: "0.00004" });
    expect((await key(both.keyId)).limit_reached).toBe(false);
    const chatOnly = await tg.client(100, { spend_limit: "0.00004", models: ["gpt-test"] });
    expect((await key(chatOnly.keyId)).limit_reached).toBe(true);
  });

  test("a key without a limit is never limit_reached, even on an empty account", async () => {
    const c = await tg.client(0);
    expect(await key(c.keyId)).toMatchObject({ limit_reached: false, spend_remaining: null });
  });
});
