import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { toFile } from "openai";
import { TestGateway } from "../testing/harness.ts";
import { MockOpenAIMedia, PNG_1X1, URL_SIGNATURE } from "../testing/mock-openai-media.ts";

let media: MockOpenAIMedia;
let tg: TestGateway;
const TTL_S = 2;

beforeAll(async () => {
  media = new MockOpenAIMedia().start();
  tg = await TestGateway.start({
    config: `
currency: USD
defaults: { rate_limits: { key_rpm: 1000 }, media_link_ttl_s: ${TTL_S} }
providers:
  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }
  - { id: claude, kind: anthropic, base_url: "${media.origin}", api_key: sk-ant-unused }
models:
  - id: claude-priced-as-images
    routes: [{ provider: claude, model: claude-sonnet }]
    prices: { image: { "*": 1 } }
  - id: openai/gpt-image-2
    routes: [{ provider: media, model: gpt-image-2 }]
    prices:
      image: { "1024x1024/high": 0.167, "1024x1024": 0.042, "*/high": 0.25, "*": 0.063 }
  - id: dall-e-2
    routes: [{ provider: media, model: dall-e-2 }]
    prices: { image: { "512x512": 0.018, "1024x1024": 0.02 } }
  - id: text-only
    routes: [{ provider: media, model: gpt-4o }]
    prices: { input: 1, output: 2 }
`,
  });
});
afterAll(async () => {
  await tg.stop();
  media.stop();
});
beforeEach(() => media.reset());

async function used(key: string): Promise<number> {
  const r = await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
  return ((await r.json()) as { used: number }).used;
}
const apiError = (e: unknown) => e as InstanceType<typeof OpenAI.APIError>;

describe("POST /v1/images/generations", () => {
  test("b64_json passes through; billed n x the price of the size and quality the upstream reports", async () => {
    const c = await tg.client(5);
    const res = await c.openai.images.generate({
      model: "openai/gpt-image-2",
      prompt: "A matte black smart speaker on glass",
      size: "1024x1024",
      quality: "high",
      n: 2,
    });
    expect(res.data).toHaveLength(2);
    expect(Buffer.from(res.data![0]!.b64_json!, "base64").equals(PNG_1X1)).toBe(true);
    expect(res.size).toBe("1024x1024");
    expect(media.requests("/v1/images/generations")[0]?.body).toMatchObject({ model: "gpt-image-2", n: 2 });
    expect(await used(c.key)).toBeCloseTo(2 * 0.167, 9);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({ endpoint: "images.generations", status: 200, input_tokens: 12 });
    expect(log.body.data[0]?.cost).toBeCloseTo(0.334, 9);
  });

  test("url answers become gateway links (no provider URL or signature leaks) that serve the image", async () => {
    const c = await tg.client(5);
    const res = await c.openai.images.generate({
      model: "dall-e-2",
      prompt: "a cat",
      size: "512x512",
      response_format: "url",
    });
    const url = res.data![0]!.url!;
    expect(url.startsWith(`${tg.url}/v1/images/img_`)).toBe(true);
    expect(url).not.toContain("sig=");
    expect(JSON.stringify(res)).not.toContain(URL_SIGNATURE);
    expect(JSON.stringify(res)).not.toContain(media.origin);
    const img = await fetch(url);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await img.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(await used(c.key)).toBeCloseTo(0.018, 9);
  });

  test("an image link expires with 410 content_expired in the OpenAI shape", async () => {
    const c = await tg.client(5);
    const res = await c.openai.images.generate({
      model: "dall-e-2",
      prompt: "x",
      size: "512x512",
      response_format: "url",
    });
    await Bun.sleep(TTL_S * 1000 + 200);
    const gone = await fetch(res.data![0]!.url!);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      code: "content_expired",
      type: "invalid_request_error",
      status: 410,
    });
    const unknown = await fetch(`${tg.url}/v1/images/img_doesnotexist/content`);
    expect(unknown.status).toBe(404);
  });

  test("size auto reserves the dearest matching price, then bills the size the upstream reports", async () => {
    const c = await tg.client("0.3");
    const res = await c.openai.images.generate({ model: "openai/gpt-image-2", prompt: "x", quality: "high" });
    expect(res.size).toBe("1024x1024");
    expect(await used(c.key)).toBeCloseTo(0.167, 9);
    // Two images at up to 0.25 each do not fit in what is left (0.133).
    const e = apiError(
      await c.openai.images
        .generate({ model: "openai/gpt-image-2", prompt: "x", quality: "high", n: 2 })
        .catch((x: unknown) => x),
    );
    expect(e.status).toBe(402);
    expect(media.requests("/v1/images/generations")).toHaveLength(1);
  });
});

describe("POST /v1/images/edits", () => {
  test("multipart upload from the SDK is forwarded as multipart with the upstream model", async () => {
    const c = await tg.client(5);
    const res = await c.openai.images.edit({
      model: "openai/gpt-image-2",
      image: await toFile(PNG_1X1, "source.png", { type: "image/png" }),
      prompt: "Add a small orange cat",
      size: "1024x1024",
    });
    expect(res.data?.[0]?.b64_json).toBe(PNG_1X1.toString("base64"));
    const up = media.requests("/v1/images/edits")[0]!;
    expect(up.headers["content-type"]).toStartWith("multipart/form-data");
    expect(up.body).toMatchObject({
      model: "gpt-image-2",
      prompt: "Add a small orange cat",
      image: { name: "source.png", type: "image/png", size: PNG_1X1.length },
    });
    expect(await used(c.key)).toBeCloseTo(0.042, 9);
  });

  test("an upload retried with the same Idempotency-Key (a new multipart boundary) is replayed, billed once", async () => {
    const c = await tg.client(5);
    const edit = async () =>
      c.openai.images
        .edit(
          {
            model: "openai/gpt-image-2",
            image: await toFile(PNG_1X1, "source.png", { type: "image/png" }),
            prompt: "Add a hat",
            size: "1024x1024",
          },
          { headers: { "Idempotency-Key": "edit-once-1" } },
        )
        .withResponse();
    const first = await edit();
    const second = await edit();
    expect(second.response.headers.get("idempotent-replayed")).toBe("true");
    expect(second.data).toEqual(first.data);
    expect(media.requests("/v1/images/edits")).toHaveLength(1);
    expect(await used(c.key)).toBeCloseTo(0.042, 9);
  });

  test("several images (image[]) and the JSON form with image URLs, as the guide shows", async () => {
    const c = await tg.client(5);
    await c.openai.images.edit({
      model: "openai/gpt-image-2",
      image: [
        await toFile(PNG_1X1, "a.png", { type: "image/png" }),
        await toFile(PNG_1X1, "b.png", { type: "image/png" }),
      ],
      prompt: "merge",
    });
    // Forwarded as the SDK sends arrays: repeated `image[]` fields.
    const multi = media.requests("/v1/images/edits")[0]!.body as Record<string, unknown>;
    expect(multi["image[]"]).toEqual([
      { name: "a.png", type: "image/png", size: PNG_1X1.length },
      { name: "b.png", type: "image/png", size: PNG_1X1.length },
    ]);
    const res = await fetch(`${tg.url}/v1/images/edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "openai/gpt-image-2",
        prompt: "Add a cat",
        images: [{ image_url: "https://example.com/source.png" }],
      }),
    });
    expect(res.status).toBe(200);
    expect(media.requests("/v1/images/edits")[1]?.body).toMatchObject({
      model: "gpt-image-2",
      images: [{ image_url: "https://example.com/source.png" }],
    });
  });
});

describe("images errors, in the OpenAI shape, nothing billed", () => {
  test("a model without image prices, an edit without an image, streaming: 400s before any upstream call", async () => {
    const c = await tg.client(5);
    const e1 = apiError(
      await c.openai.images.generate({ model: "text-only", prompt: "x" }).catch((x: unknown) => x),
    );
    expect(e1.status).toBe(400);
    expect((e1.error as Record<string, unknown>).code).toBe("image_price_missing");
    const e2 = apiError(
      await c.openai.images
        .generate({ model: "dall-e-2", prompt: "x", size: "256x256" })
        .catch((x: unknown) => x),
    );
    expect(e2.status).toBe(400);
    expect((e2.error as Record<string, unknown>).param).toBe("size");
    const r3 = await fetch(`${tg.url}/v1/images/edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-image-2", prompt: "x" }),
    });
    expect(r3.status).toBe(400);
    expect(((await r3.json()) as { error: { param: string } }).error.param).toBe("image");
    const e4 = apiError(
      await c.openai.images
        .generate({ model: "openai/gpt-image-2", prompt: "x", stream: true })
        .catch((x: unknown) => x),
    );
    expect(e4.status).toBe(400);
    expect(media.received).toHaveLength(0);
    expect(await used(c.key)).toBe(0);
  });

  test("a model whose provider kind has no images API is a 400 naming it", async () => {
    const c = await tg.client(5);
    const e = apiError(
      await c.openai.images
        .generate({ model: "claude-priced-as-images", prompt: "x" })
        .catch((x: unknown) => x),
    );
    expect(e.status).toBe(400);
    expect((e.error as Record<string, unknown>).code).toBe("unsupported_endpoint");
    expect(e.message).toContain("anthropic");
    expect(media.received).toHaveLength(0);
    expect(await used(c.key)).toBe(0);
  });

  test("an upstream refusal keeps its status and message; a missing auth key is a 401", async () => {
    const c = await tg.client(5);
    media.next("/images/generations", {
      status: 400,
      body: {
        error: { message: "Your request was rejected by the safety system.", code: "moderation_blocked" },
      },
    });
    const e = apiError(
      await c.openai.images
        .generate({ model: "openai/gpt-image-2", prompt: "x", size: "1024x1024" })
        .catch((x: unknown) => x),
    );
    expect(e.status).toBe(400);
    expect((e.error as Record<string, unknown>).code).toBe("moderation_blocked");
    expect(await used(c.key)).toBe(0);
    const anon = await fetch(`${tg.url}/v1/images/generations`, { method: "POST", body: "{}" });
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });
});
