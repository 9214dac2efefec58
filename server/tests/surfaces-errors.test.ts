import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { TestGateway } from "../testing/harness.ts";
import { startMatrix } from "../testing/matrix.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";

/**
 * Bad input on every surface: a clear error in the route's own shape (OpenAI, Anthropic
 * or Google), the request logged, nothing billed and nothing sent upstream.
 */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;

const EXTRA = `  - id: m-textonly
    routes: [{ provider: p-openai, model: up-textonly }]
    prices: { input: 1, output: 2 }
    capabilities: { vision: false, tools: false }`;

beforeAll(async () => {
  ({ tg, mocks, stop } = await startMatrix(EXTRA));
});
afterAll(() => stop());

type Shape = "openai" | "anthropic" | "google";

/** Asserts the error body's shape and returns its message. */
function shapeOf(shape: Shape, status: number, body: Record<string, unknown>): string {
  if (shape === "anthropic") {
    expect(body.type).toBe("error");
    const e = body.error as { type: string; message: string };
    const types: Record<number, string> = {
      400: "invalid_request_error",
      401: "authentication_error",
      404: "not_found_error",
    };
    expect(e.type).toBe(types[status] ?? "");
    return e.message;
  }
  const e = body.error as Record<string, unknown>;
  if (shape === "google") {
    const statuses: Record<number, string> = {
      400: "INVALID_ARGUMENT",
      401: "UNAUTHENTICATED",
      404: "NOT_FOUND",
    };
    expect(e).toMatchObject({ code: status, status: statuses[status] });
    return String(e.message);
  }
  expect(typeof e.type).toBe("string");
  expect(e.status).toBe(status);
  return String(e.message);
}

type Case = {
  route: string;
  shape: Shape;
  body: unknown;
  status: number;
  message: RegExp;
  headers?: Record<string, string>;
};

const gen = (model: string) => `/v1beta/models/${model}:generateContent`;
const user = (text: string) => [{ role: "user", content: text }];

const CASES: Case[] = [
  // wrong shapes
  {
    route: "/v1/messages",
    shape: "anthropic",
    body: { model: "m-openai", messages: "hi" },
    status: 400,
    message: /messages/,
  },
  { route: "/v1/messages", shape: "anthropic", body: "{not json", status: 400, message: /JSON/ },
  {
    route: "/v1/responses",
    shape: "openai",
    body: { model: "m-openai", input: 42 },
    status: 400,
    message: /input/,
  },
  // no input: nothing to answer, yet an upstream would answer (and bill) the instructions
  {
    route: "/v1/responses",
    shape: "openai",
    body: { model: "m-openai", instructions: "Write a long essay." },
    status: 400,
    message: /Missing required parameter: 'input'/,
  },
  {
    route: "/v1/responses",
    shape: "openai",
    body: { model: "m-anthropic", input: [] },
    status: 400,
    message: /Missing required parameter: 'input'/,
  },
  {
    route: gen("m-openai"),
    shape: "google",
    body: { contents: [{ role: "user", parts: [] }] },
    status: 400,
    message: /part/,
  },
  {
    route: gen("m-openai"),
    shape: "google",
    body: { generationConfig: {} },
    status: 400,
    message: /contents/,
  },
  // unknown model
  {
    route: "/v1/messages",
    shape: "anthropic",
    body: { model: "nope", max_tokens: 5, messages: user("hi") },
    status: 404,
    message: /nope/,
  },
  {
    route: "/v1/responses",
    shape: "openai",
    body: { model: "nope", input: "hi" },
    status: 404,
    message: /nope/,
  },
  {
    route: gen("nope"),
    shape: "google",
    body: { contents: [{ parts: [{ text: "hi" }] }] },
    status: 404,
    message: /nope/,
  },
  // features the route's provider cannot honour
  {
    route: "/v1/messages",
    shape: "anthropic",
    body: {
      model: "m-openai",
      max_tokens: 5,
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" } },
          ],
        },
      ],
    },
    status: 400,
    message: /document \(PDF\) input/,
  },
  {
    route: gen("m-anthropic"),
    shape: "google",
    body: { contents: [{ parts: [{ inlineData: { mimeType: "audio/wav", data: "UklG" } }] }] },
    status: 400,
    message: /audio\/wav input/,
  },
  {
    route: "/v1/chat/completions",
    shape: "openai",
    body: { model: "m-anthropic", n: 2, messages: user("hi") },
    status: 400,
    message: /n > 1/,
  },
  {
    route: "/v1/chat/completions",
    shape: "openai",
    body: { model: "m-anthropic", modalities: ["image", "text"], messages: user("draw") },
    status: 400,
    message: /image output/,
  },
  {
    route: "/v1/responses",
    shape: "openai",
    body: { model: "m-gemini", input: "hi", previous_response_id: "resp_1" },
    status: 400,
    message: /previous_response_id/,
  },
  {
    route: "/v1/messages",
    shape: "anthropic",
    body: {
      model: "m-textonly",
      max_tokens: 5,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      ],
    },
    status: 400,
    message: /image input/,
  },
  {
    route: gen("m-textonly"),
    shape: "google",
    body: {
      contents: [{ parts: [{ text: "hi" }] }],
      tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "OBJECT" } }] }],
    },
    status: 400,
    message: /uses tools/,
  },
  // authentication
  {
    route: "/v1/messages",
    shape: "anthropic",
    body: { model: "m-openai", max_tokens: 5, messages: user("hi") },
    status: 401,
    message: /API key/,
    headers: { "x-api-key": "" },
  },
  {
    route: gen("m-openai"),
    shape: "google",
    body: { contents: [{ parts: [{ text: "hi" }] }] },
    status: 401,
    message: /API key/,
    headers: { "x-goog-api-key": "" },
  },
];

describe("bad input: the route's own error shape, nothing billed, nothing sent upstream", () => {
  for (const c of CASES)
    test(`${c.route} ${c.status} ${c.message}`, async () => {
      const k = await tg.client(1);
      const before = [...mocks.values()].reduce((n, m) => n + m.received.length, 0);
      const auth =
        c.headers ??
        (c.shape === "anthropic"
          ? { "x-api-key": k.key }
          : c.shape === "google"
            ? { "x-goog-api-key": k.key }
            : { authorization: `Bearer ${k.key}` });
      const res = await fetch(`${tg.url}${c.route}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...Object.fromEntries(Object.entries(auth).filter(([, v]) => v !== "")),
        },
        body: typeof c.body === "string" ? c.body : JSON.stringify(c.body),
      });
      expect(res.status).toBe(c.status);
      expect(shapeOf(c.shape, c.status, (await res.json()) as Record<string, unknown>)).toMatch(c.message);
      expect([...mocks.values()].reduce((n, m) => n + m.received.length, 0)).toBe(before);
      const bal = (await (
        await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${k.key}` } })
      ).json()) as { balance: number };
      expect(bal.balance).toBe(1);
      if (c.status !== 401) {
        const [row] = await tg.logRows(k.keyId);
        expect(row).toMatchObject({ status: c.status, cost: 0 });
      }
    });

  test("unknown routes under each surface answer 404 in that surface's shape", async () => {
    const a = await fetch(`${tg.url}/v1/messages/nope`, { method: "POST" });
    expect(a.status).toBe(404);
    expect(((await a.json()) as { type: string }).type).toBe("error");
    const g = await fetch(`${tg.url}/v1beta/models/m-openai:embedNothing`, {
      method: "POST",
      headers: { "x-goog-api-key": "k" },
    });
    expect(g.status).toBe(404);
    expect(((await g.json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND");
  });

  test("the Anthropic SDK sees a typed error it understands", async () => {
    const k = await tg.client(1);
    const err = await tg
      .anthropic(k.key)
      .messages.create({ model: "nope", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error" },
    });
  });

  test("the Google SDK sees the status and message", async () => {
    const k = await tg.client(1);
    const err = (await tg
      .gemini(k.key)
      .models.generateContent({ model: "nope", contents: "hi" })
      .catch((e: unknown) => e)) as { status?: number; message?: string };
    expect(err.status).toBe(404);
    expect(err.message).toContain("nope");
  });
});
