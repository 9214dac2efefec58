import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestGateway } from "../testing/harness.ts";
import { PROVIDERS, startMatrix } from "../testing/matrix.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";

/**
 * Answers name the public model id the client asked for, never the upstream's: in JSON
 * bodies and in every stream chunk, for every surface over every provider kind, the
 * pass-through pairs (chat -> openai, responses -> openai with responses_api, messages ->
 * anthropic, generateContent -> gemini) included. Checked on the raw bytes, not through an
 * SDK that would only keep the last value. Mocks echo the upstream model id (up-<kind>).
 */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;
let key: string;

beforeAll(async () => {
  // responses_api: the Responses surface goes to the OpenAI mock's /responses untouched.
  ({ tg, mocks, stop } = await startMatrix("", { openai: "    options: { responses_api: true }\n" }));
  key = (await tg.client(10)).key;
});
afterAll(() => stop());

type J = Record<string, unknown>;
type Surface = {
  name: string;
  /** The request; `stream` asks for a stream. */
  send(model: string, stream: boolean): Promise<Response>;
  /** Where each JSON object of the answer names its model (undefined: this object does not). */
  modelOf(chunk: J): unknown;
  /** Objects that must name the model (the rest may carry none). */
  mustName(chunk: J): boolean;
};

const post = (path: string, body: J) =>
  fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const messages = [{ role: "user", content: "Say hello" }];

const SURFACES: Surface[] = [
  {
    name: "openai-chat",
    send: (model, stream) =>
      post("/v1/chat/completions", {
        model,
        messages,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      }),
    modelOf: (c) => c.model,
    mustName: () => true,
  },
  {
    name: "openai-responses",
    send: (model, stream) => post("/v1/responses", { model, input: "Say hello", stream }),
    modelOf: (c) => (c.response as J | undefined)?.model ?? (c.object === "response" ? c.model : undefined),
    mustName: (c) => c.object === "response" || c.response !== undefined,
  },
  {
    name: "anthropic-messages",
    send: (model, stream) => post("/v1/messages", { model, max_tokens: 100, messages, stream }),
    modelOf: (c) => (c.message as J | undefined)?.model ?? (c.type === "message" ? c.model : undefined),
    mustName: (c) => c.type === "message" || c.type === "message_start",
  },
  {
    name: "gemini",
    send: (model, stream) =>
      post(
        `/v1beta/models/${encodeURIComponent(model)}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
        {
          contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
        },
      ),
    modelOf: (c) => c.modelVersion,
    mustName: () => true,
  },
];

/** Every JSON object of an answer: the body, or each SSE event's data. */
function objectsOf(raw: string, stream: boolean): J[] {
  if (!stream) return [JSON.parse(raw) as J];
  return raw
    .split(/\r?\n\r?\n/)
    .flatMap((ev) =>
      ev
        .split(/\r?\n/)
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6)),
    )
    .filter((d) => d !== "[DONE]")
    .map((d) => JSON.parse(d) as J);
}

describe("answers name the public model id, never the upstream's", () => {
  for (const surface of SURFACES)
    for (const provider of PROVIDERS)
      for (const stream of [false, true])
        test(`${surface.name} -> ${provider.kind} ${stream ? "stream" : "json"}`, async () => {
          const mock = mocks.get(provider.kind)!;
          const seen = mock.received.length;
          mock.next({ text: "Hello there, friend.", chunks: 3 });
          const res = await surface.send(`m-${provider.kind}`, stream);
          const raw = await res.text();
          expect(res.status).toBe(200);
          // The upstream was asked for its own id...
          expect(JSON.stringify(mock.received.slice(seen))).toContain(`up-${provider.kind}`);
          // ...and the client never hears it, in any chunk.
          expect(raw).not.toContain(`up-${provider.kind}`);
          const objects = objectsOf(raw, stream);
          const naming = objects.filter(surface.mustName);
          expect(naming.length).toBeGreaterThan(0);
          for (const o of naming) expect(surface.modelOf(o)).toBe(`m-${provider.kind}`);
          for (const o of objects)
            expect([undefined, `m-${provider.kind}`]).toContain(surface.modelOf(o) as string | undefined);
          // No route header unless the deployment turns it on.
          expect(res.headers.get("x-tollgate-route")).toBeNull();
        });
});

test("a Gemini stream without alt=sse (one JSON array) names the public model in every element", async () => {
  const mock = mocks.get("gemini")!;
  mock.next({ text: "Hello there, friend.", chunks: 3 });
  const res = await post("/v1beta/models/m-gemini:streamGenerateContent", {
    contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
  });
  const chunks = (await res.json()) as J[];
  expect(chunks.length).toBeGreaterThan(1);
  for (const c of chunks) expect(c.modelVersion).toBe("m-gemini");
});

test("/v1/models shows each model's public owner, never the provider id", async () => {
  const res = await fetch(`${tg.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
  const { data } = (await res.json()) as { data: { id: string; owned_by: string; kind: string }[] };
  const providerIds = new Set(PROVIDERS.map((p) => `p-${p.kind}`));
  expect(data.length).toBeGreaterThan(PROVIDERS.length);
  for (const m of data) expect(providerIds.has(m.owned_by)).toBe(false);
  expect(data.find((m) => m.id === "m-openai")).toMatchObject({ owned_by: "tollgate", kind: "chat" });
  expect(data.find((m) => m.id === "auto")).toMatchObject({ owned_by: "tollgate", kind: "chat" });
});
