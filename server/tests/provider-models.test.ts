import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ConnectionTest } from "../admin/providers/model.ts";
import { TestGateway } from "../testing/harness.ts";

/**
 * "Test connection" lists the upstream's models, each kind at its own address with its own
 * credentials. A fake upstream on loopback answers each list only to the right headers.
 */
type Seen = { path: string; headers: Record<string, string> };

const KEY = "sk-listing-secret-0123456789abcdef";
const GIGA_TOKEN = "giga-access-token-0123456789abcdef";

let seen: Seen[] = [];
let upstream: ReturnType<typeof Bun.serve>;
let tg: TestGateway;

function answer(req: Request): Response {
  const url = new URL(req.url);
  const h = Object.fromEntries(req.headers);
  seen.push({ path: url.pathname + url.search, headers: h });
  if (url.pathname === "/openai/v1/models" && h.authorization === `Bearer ${KEY}`)
    return Response.json({
      object: "list",
      data: [
        { id: "gpt-b", object: "model" },
        { id: "gpt-a", object: "model" },
        { id: "gpt-a", object: "model" },
      ],
    });
  if (url.pathname === "/anthropic/v1/models" && h["x-api-key"] === KEY && h["anthropic-version"])
    return Response.json({
      data: [{ id: "claude-x-1", display_name: "Claude X", type: "model" }],
      has_more: false,
    });
  if (url.pathname === "/gemini/v1beta/models" && h["x-goog-api-key"] === KEY)
    return Response.json({
      models: [{ name: "models/gemini-q", displayName: "Gemini Q", supportedGenerationMethods: [] }],
    });
  if (url.pathname === "/giga/oauth" && h.authorization === `Basic ${KEY}`)
    return Response.json({ access_token: GIGA_TOKEN, expires_at: Date.now() + 1_800_000 });
  if (url.pathname === "/giga/api/v1/models" && h.authorization === `Bearer ${GIGA_TOKEN}`)
    return Response.json({ object: "list", data: [{ id: "GigaChat-2-Max", object: "model" }] });
  if (url.pathname === "/refuses/v1/models")
    return Response.json({ error: { message: `bad key ${KEY}` } }, { status: 401 });
  if (url.pathname === "/moved/v1/models")
    return new Response(null, { status: 302, headers: { location: `${url.origin}/openai/v1/models` } });
  return new Response("not found", { status: 404 });
}

beforeAll(async () => {
  upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: answer });
  tg = await TestGateway.start();
  const base = `http://127.0.0.1:${upstream.port}`;
  const add = (id: string, kind: string, path: string, options: Record<string, unknown> = {}) =>
    tg.admin("POST", "/providers", { id, kind, base_url: `${base}${path}`, api_key: KEY, options });
  for (const r of [
    await add("oai", "openai", "/openai/v1"),
    await add("ant", "anthropic", "/anthropic"),
    await add("gem", "gemini", "/gemini"),
    await add("giga", "gigachat", "/giga/api/v1", { auth_url: `${base}/giga/oauth` }),
    await add("ya", "yandex", "/yandex", { folder_id: "b1gfolder" }),
    await add("bad", "openai", "/refuses/v1"),
    await add("moved", "openai", "/moved/v1"),
  ])
    expect(r.status).toBe(201);
});
afterAll(async () => {
  await tg.stop();
  upstream.stop(true);
});

const testIt = async (id: string) => {
  seen = [];
  const r = await tg.admin<ConnectionTest>("POST", `/providers/${id}/test`);
  expect(r.status).toBe(200);
  return r.body;
};

describe("Test connection lists the upstream's models", () => {
  test("OpenAI-compatible: Bearer key at {base}/models; sorted, without repeats", async () => {
    const t = await testIt("oai");
    expect(t).toMatchObject({ ok: true, status: 200, message: "Connected: the provider lists 2 models." });
    expect(t.models).toEqual([
      { id: "gpt-a", name: null },
      { id: "gpt-b", name: null },
    ]);
  });

  test("Anthropic: x-api-key and anthropic-version at /v1/models, with display names", async () => {
    const t = await testIt("ant");
    expect(t.models).toEqual([{ id: "claude-x-1", name: "Claude X" }]);
    expect(seen[0]!.path).toBe("/anthropic/v1/models?limit=1000");
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  test("Gemini: x-goog-api-key at /v1beta/models; ids without the models/ prefix", async () => {
    const t = await testIt("gem");
    expect(t.models).toEqual([{ id: "gemini-q", name: "Gemini Q" }]);
  });

  test("GigaChat: an OAuth access token first, then the list with it", async () => {
    const t = await testIt("giga");
    expect(t.models).toEqual([{ id: "GigaChat-2-Max", name: null }]);
    expect(seen.map((s) => s.path)).toEqual(["/giga/oauth", "/giga/api/v1/models"]);
  });

  test("Yandex lists no models: said so, and nothing is sent", async () => {
    const t = await testIt("ya");
    expect(t).toMatchObject({ ok: false, models: null });
    expect(t.message).toContain("does not list its models");
    expect(seen).toEqual([]);
  });

  test("a refusal is shown with the upstream's status, scrubbed of the key", async () => {
    const t = await testIt("bad");
    expect(t).toMatchObject({ ok: false, status: 401, models: null });
    expect(t.message).toStartWith("The provider answered HTTP 401");
    expect(t.message).not.toContain(KEY);
  });

  test("a redirect is not followed with the stored key", async () => {
    const t = await testIt("moved");
    expect(t).toMatchObject({ ok: false, status: 302 });
    expect(seen.map((s) => s.path)).toEqual(["/moved/v1/models"]);
  });
});
