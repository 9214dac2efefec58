import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { MediaBoundsGateway } from "../testing/media-bounds-gateway.ts";

/**
 * The media routes forward exactly the bounds they reserved for: each cost-bearing field is
 * a whole number (or an allowed value) within the model's limits, or a 400 in OpenAI's
 * shape before any upstream call; a default the upstream would choose is sent explicitly or
 * reserved at its dearest; and no charge exceeds its reservation. The upstream is the honest
 * mock: what it makes is what it reports (and it honours other spellings of a field).
 */

let g: MediaBoundsGateway;

beforeAll(async () => {
  g = await MediaBoundsGateway.start();
});
afterAll(async () => {
  await g.stop();
});
beforeEach(() => g.reset());

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string } };

/** A 400 in OpenAI's shape naming `param`, nothing made upstream, nothing charged. */
async function refused(res: Response, param: string, key: string, code?: string) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.type).toBe("invalid_request_error");
  expect(body.error.param).toBe(param);
  if (code) expect(body.error.code).toBe(code);
  expect(g.mock.received).toHaveLength(0);
  expect((await g.usedNano(key)).used).toBe(0);
}

/** The cost of everything the upstreams made so far, priced from their own reports. */
const producedCost = () => g.made().nano;

const post = (key: string, path: string, body: Record<string, unknown>, multipart = false) =>
  g.post(key, path, body, multipart);

describe("images: count, size and quality", () => {
  test("quality auto reserves the dearest quality the upstream may choose (it chose high)", async () => {
    // 1024x1024 is 0.04, 1024x1024/high 0.17: a balance of 0.1 cannot cover what auto may make.
    const poor = await g.tg.client("0.1");
    const res = await post(poor.key, "/v1/images/generations", {
      model: "img-star",
      prompt: "x",
      size: "1024x1024",
      quality: "auto",
    });
    expect(res.status).toBe(402);
    expect(g.mock.produced).toHaveLength(0);
    const rich = await g.tg.client(1);
    const ok = await post(rich.key, "/v1/images/generations", {
      model: "img-star",
      prompt: "x",
      size: "1024x1024",
      quality: "auto",
    });
    expect(ok.status).toBe(200);
    expect(g.mock.produced).toEqual([
      { kind: "images", model: "up-img-star", count: 1, size: "1024x1024", quality: "high" },
    ]);
    expect((await g.usedNano(rich.key)).used).toBe(170_000_000);
    expect(g.violations).toEqual([]);
  });

  test("a size without a quality reserves that size's dearest quality", async () => {
    const poor = await g.tg.client("0.1");
    const res = await post(poor.key, "/v1/images/generations", {
      model: "img-star",
      prompt: "x",
      size: "1024x1024",
    });
    expect(res.status).toBe(402);
    expect(g.mock.received).toHaveLength(0);
  });

  test("the image count is always forwarded: 1 when unset", async () => {
    const c = await g.tg.client(1);
    const res = await post(c.key, "/v1/images/generations", {
      model: "img-sized",
      prompt: "x",
      size: "1024x1024",
    });
    expect(res.status).toBe(200);
    expect(g.mock.requests("/v1/images/generations")[0]?.body).toMatchObject({ n: 1 });
  });

  test("other spellings of the count, size or quality are refused (the upstream may read them first)", async () => {
    g.mock.order = "alias-first";
    const c = await g.tg.client("0.1");
    await refused(
      await post(c.key, "/v1/images/generations", {
        model: "img-sized",
        prompt: "x",
        size: "1024x1024",
        num_images: 4,
      }),
      "num_images",
      c.key,
      "unsupported_parameter",
    );
    await refused(
      await post(c.key, "/v1/images/generations", { model: "img-sized", prompt: "x", samples: 3 }),
      "samples",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/images/generations", {
        model: "img-star",
        prompt: "x",
        size: "1024x1024",
        width: 4096,
        height: 4096,
      }),
      "width",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/images/edits", {
        model: "img-star",
        prompt: "x",
        images: [{ image_url: "https://example.com/a.png" }],
        image_quality: "high",
      }),
      "image_quality",
      c.key,
    );
  });

  test("n beyond the model's max_images, and a non-integer n, are 400s", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/images/generations", { model: "img-star", prompt: "x", n: 5 }),
      "n",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/images/generations", { model: "img-star", prompt: "x", n: 1.5 }),
      "n",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/images/generations", { model: "img-star", prompt: "x", n: "2.0" }),
      "n",
      c.key,
    );
    const form = await post(
      c.key,
      "/v1/images/edits",
      { model: "img-star", prompt: "x", image: true, n: "7", size: "1024x1024", quality: "low" },
      true,
    );
    await refused(form, "n", c.key);
  });

  test("a quality or size outside what the API takes is a 400, not a price fallback", async () => {
    const c = await g.tg.client(5);
    for (const [field, value] of [
      ["quality", "ultra"],
      ["quality", "HIGH"],
      ["size", "1024X1024"],
      ["size", " 1024x1024"],
      ["size", "huge"],
      ["size", "0x0"],
    ] as const)
      await refused(
        await post(c.key, "/v1/images/generations", { model: "img-star", prompt: "x", [field]: value }),
        field,
        c.key,
      );
  });

  test("partial images (billed by the vendor, a streaming feature) are refused", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/images/generations", { model: "img-star", prompt: "x", partial_images: 2 }),
      "partial_images",
      c.key,
    );
  });

  test("an upstream that returns more images than asked is charged what was reserved", async () => {
    const c = await g.tg.client(1);
    g.mock.next("/v1/images/generations", {
      status: 200,
      body: { created: 1, data: Array(5).fill({ b64_json: "AA==" }), size: "1024x1024", quality: "low" },
    });
    const res = await post(c.key, "/v1/images/generations", {
      model: "img-sized",
      prompt: "x",
      size: "1024x1024",
      quality: "low",
    });
    expect(res.status).toBe(200);
    expect((await g.usedNano(c.key)).used).toBe(20_000_000);
  });
});

describe("video: seconds", () => {
  test("without a duration, the model's default is forwarded explicitly and reserved", async () => {
    // The upstream left to choose renders 16 s; the gateway asks for (and bills) the default.
    const c = await g.tg.client(5);
    const res = await post(c.key, "/v1/videos", { model: "vid", prompt: "x", size: "1280x720" }, true);
    expect(res.status).toBe(200);
    expect(g.mock.requests("/v1/videos")[0]?.body).toMatchObject({ seconds: "4" });
    expect(g.mock.produced).toEqual([{ kind: "video", model: "up-vid", seconds: 4, size: "1280x720" }]);
    expect((await g.usedNano(c.key)).used).toBe(producedCost());
    expect((await g.usedNano(c.key)).used).toBe(40_000_000);
    const flat = await post(c.key, "/v1/video/generations", { model: "vid-flat", prompt: "x" });
    expect(flat.status).toBe(200);
    expect(g.mock.requests("/v1/videos")[1]?.body).toMatchObject({ seconds: "8" });
    expect(g.violations).toEqual([]);
  });

  test("shrunk counterexample: no seconds on a balance of 0.12 (12 s reserved, 16 s rendered, 0.12 charged)", async () => {
    const c = await g.tg.client("0.12");
    const res = await post(c.key, "/v1/videos", { model: "vid", prompt: "a lake", size: "1280x720" });
    expect(res.status).toBe(200);
    expect((await g.usedNano(c.key)).used).toBe(producedCost());
    expect(g.violations).toEqual([]);
  });

  test("`duration` on /v1/videos is the same field as `seconds`: forwarded as seconds; both at once is a 400", async () => {
    const c = await g.tg.client(5);
    const res = await post(c.key, "/v1/videos", { model: "vid", prompt: "x", size: "1280x720", duration: 8 });
    expect(res.status).toBe(200);
    expect(g.mock.requests("/v1/videos")[0]?.body).toMatchObject({ seconds: "8" });
    expect((await g.usedNano(c.key)).used).toBe(80_000_000);
    g.reset("alias-first");
    const c2 = await g.tg.client(5);
    await refused(
      await post(c2.key, "/v1/videos", { model: "vid", prompt: "x", seconds: "4", duration: 12 }),
      "duration",
      c2.key,
      "conflicting_parameters",
    );
    await refused(
      await post(c2.key, "/v1/video/generations", { model: "vid", prompt: "x", duration: 4, seconds: 12 }),
      "seconds",
      c2.key,
      "conflicting_parameters",
    );
  });

  test("a duration that is not a whole number of seconds is a 400 before any upstream call", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/video/generations", { model: "vid-flat", prompt: "x", duration: 1.5 }),
      "duration",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/videos", { model: "vid-flat", prompt: "x", seconds: "4.5" }),
      "seconds",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/videos", { model: "vid-flat", prompt: "x", seconds: 0 }),
      "seconds",
      c.key,
    );
  });

  test("seconds beyond the model's max_video_seconds are a 400", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/videos", { model: "vid", prompt: "x", size: "1280x720", seconds: "16" }),
      "seconds",
      c.key,
      "invalid_value",
    );
    await refused(
      await post(c.key, "/v1/video/generations", {
        model: "vid",
        prompt: "x",
        resolution: "720p",
        duration: 13,
      }),
      "duration",
      c.key,
    );
  });

  test("other spellings of the video count are refused", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/video/generations", { model: "vid-flat", prompt: "x", num_videos: 3 }),
      "num_videos",
      c.key,
    );
  });

  test("an upstream that reports more seconds than it was asked for is charged what was reserved", async () => {
    const c = await g.tg.client(5);
    g.mock.next("/v1/videos", {
      status: 200,
      body: { id: "v1", status: "completed", seconds: "30", size: "1280x720" },
    });
    const res = await post(c.key, "/v1/videos", {
      model: "vid",
      prompt: "x",
      size: "1280x720",
      seconds: "4",
    });
    expect(res.status).toBe(200);
    expect((await g.usedNano(c.key)).used).toBe(40_000_000);
  });
});

describe("embeddings: inputs, tokens per input, dimensions", () => {
  test("other spellings of the input or dimensions are refused (the upstream may read them first)", async () => {
    g.mock.order = "alias-first";
    const c = await g.tg.client("0.01");
    const many = Array.from({ length: 8 }, () => "word ".repeat(60));
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: "hi", inputs: many }),
      "inputs",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: "hi", texts: many }),
      "texts",
      c.key,
    );
    await refused(await post(c.key, "/v1/embeddings", { model: "embed", input: "hi", dim: 3 }), "dim", c.key);
  });

  test("more inputs than the model's max_embedding_inputs is a 400", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/embeddings", {
        model: "embed",
        input: Array.from({ length: 9 }, (_, i) => `t${i}`),
      }),
      "input",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: Array.from({ length: 9 }, () => [1, 2]) }),
      "input",
      c.key,
    );
  });

  test("an input over max_embedding_tokens is a 400; one over it in bytes but not in tokens is served", async () => {
    const c = await g.tg.client(5);
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: ["ok", "hello ".repeat(100)] }),
      "input",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: [Array(65).fill(7)] }),
      "input",
      c.key,
    );
    // 96 bytes of "a" are far fewer than 64 tokens.
    const res = await post(c.key, "/v1/embeddings", { model: "embed", input: "a".repeat(96) });
    expect(res.status).toBe(200);
    expect((await g.usedNano(c.key)).used).toBe(producedCost());
  });

  test("dimensions beyond the model's max_embedding_dimensions (default 8192) are a 400", async () => {
    const c = await g.tg.client(5);
    // Found by the generator: any number of dimensions (it sent 1e9) went upstream as it came.
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed-ya", input: "hi", dimensions: 100_000 }),
      "dimensions",
      c.key,
    );
    await refused(
      await post(c.key, "/v1/embeddings", { model: "embed", input: "hi", dimensions: 33 }),
      "dimensions",
      c.key,
    );
  });

  test("an upstream that reports more tokens than the input can hold is charged what was reserved", async () => {
    const c = await g.tg.client(5);
    g.mock.next("/v1/embeddings", {
      status: 200,
      body: {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.5] }],
        usage: { prompt_tokens: 1_000_000, total_tokens: 1_000_000 },
      },
    });
    const res = await post(c.key, "/v1/embeddings", { model: "embed", input: "hi" });
    expect(res.status).toBe(200);
    // The bound of "hi": 2 bytes + 8 per input = 10 tokens at 1000 per million (0.001 each).
    expect((await g.usedNano(c.key)).used).toBe(10_000_000);
    expect(g.violations).toEqual([]);
  });
});
