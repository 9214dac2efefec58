import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import { toFile } from "openai";
import { TestGateway } from "../testing/harness.ts";
import { MockOpenAIMedia, MP4_BYTES, PNG_1X1 } from "../testing/mock-openai-media.ts";

let media: MockOpenAIMedia;
let tg: TestGateway;
const TTL_S = 2;

beforeAll(async () => {
  media = new MockOpenAIMedia().start();
  tg = await TestGateway.start({
    config: `
currency: USD
defaults: { rate_limits: { key_rpm: 1000 }, media_link_ttl_s: ${TTL_S} }
routing: { circuit_breaker: { enabled: false }, backoff: { base_ms: 1, max_ms: 5 } }
providers:
  - id: media
    kind: openai
    base_url: "${media.url}"
    api_key: sk-mock-media-key
    options: { video_poll_ms: 10 }
models:
  - id: openai/sora-2
    routes: [{ provider: media, model: sora-2 }]
    prices: { video_second: { "1280x720": 0.1, "720x1280": 0.1, "1792x1024": 0.5 } }
  - id: flat-video
    routes: [{ provider: media, model: sora-2 }]
    prices: { video_second: 0.2 }
  - id: text-only
    routes: [{ provider: media, model: gpt-4o }]
`,
  });
});
afterAll(async () => {
  await tg.stop();
  media.stop();
});
beforeEach(() => {
  media.reset();
  media.pollsToComplete = 2;
  media.renderedSeconds = null;
});

async function used(key: string): Promise<number> {
  const r = await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
  return ((await r.json()) as { used: number }).used;
}
const post = (key: string, path: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
const apiError = (e: unknown) => e as InstanceType<typeof OpenAI.APIError>;

describe("POST /v1/video/generations (synchronous)", () => {
  test("creates the job, polls it to completion, answers with a gateway link; billed per second rendered", async () => {
    const c = await tg.client(5);
    const res = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: { text: "A glass sphere over a neon city", image: "https://example.com/first-frame.png" },
      duration: 8,
      resolution: "720p",
      aspect_ratio: "16:9",
      seed: 42,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      model: string;
      duration: number;
      videos: { url: string; mime_type: string }[];
    };
    expect(body.model).toBe("openai/sora-2");
    expect(body.duration).toBe(8);
    expect(body.videos).toHaveLength(1);
    expect(body.videos[0]?.mime_type).toBe("video/mp4");
    expect(body.videos[0]?.url).toMatch(new RegExp(`^${tg.url}/v1/videos/video_[A-Za-z0-9_-]+/content$`));
    expect(JSON.stringify(body)).not.toContain("video_upstream_");

    const create = media.requests("/v1/videos")[0]!;
    expect(create.headers["content-type"]).toStartWith("multipart/form-data");
    expect(create.body).toMatchObject({
      model: "sora-2",
      prompt: "A glass sphere over a neon city",
      seconds: "8",
      size: "1280x720",
      "input_reference[image_url]": "https://example.com/first-frame.png",
    });
    expect(media.requests("/v1/videos/video_upstream_1").length).toBe(2);

    const file = await fetch(body.videos[0]!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await file.arrayBuffer()).equals(MP4_BYTES)).toBe(true);

    expect(await used(c.key)).toBeCloseTo(8 * 0.1, 9);
    const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
    expect(log.body.data[0]).toMatchObject({
      endpoint: "video.generations",
      status: 200,
      dropped_fields: ["seed"],
    });
  });

  test("the seconds the upstream rendered are billed, not the ones asked; n videos are n jobs", async () => {
    const c = await tg.client(5);
    media.renderedSeconds = 4;
    const res = await post(c.key, "/v1/video/generations", {
      model: "flat-video",
      prompt: "x",
      duration: 12,
      n: 2,
    });
    const body = (await res.json()) as { videos: unknown[] };
    expect(body.videos).toHaveLength(2);
    expect(media.requests("/v1/videos")).toHaveLength(2);
    expect(await used(c.key)).toBeCloseTo(2 * 4 * 0.2, 9);
  });

  test("a failed job is a 502 after the retries (a moderation refusal a 400 at once), nothing billed", async () => {
    const c = await tg.client(5);
    media.failVideos = { code: "internal_error", message: "render farm on fire" };
    const r1 = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: "x",
      resolution: "720p",
    });
    expect(r1.status).toBe(502);
    expect(((await r1.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      code: "video_generation_failed",
      type: "api_error",
    });
    const failedJobs = media.requests("/v1/videos").length;
    expect(failedJobs).toBe(3); // a failed render is retried (another job) up to max_attempts
    media.failVideos = { code: "moderation_blocked", message: "Your request was blocked." };
    const r2 = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: "x",
      resolution: "720p",
    });
    expect(r2.status).toBe(400);
    expect(media.requests("/v1/videos").length).toBe(failedJobs + 1); // a refusal is not retried
    expect(await used(c.key)).toBe(0);
  });

  test("the client leaving stops the polling; nothing billed, logged as client-closed", async () => {
    const c = await tg.client(5);
    media.pollsToComplete = 1_000_000;
    const ctl = new AbortController();
    const pending = post(
      c.key,
      "/v1/video/generations",
      { model: "openai/sora-2", prompt: "x", resolution: "720p" },
      ctl.signal,
    ).catch(() => null);
    while (media.requests("/v1/videos/video_upstream_1").length < 2) await Bun.sleep(5);
    ctl.abort();
    await pending;
    let row: Record<string, unknown> | undefined;
    while (!row) {
      const log = await tg.admin<{ data: Record<string, unknown>[] }>("GET", `/requests?key_id=${c.keyId}`);
      row = log.body.data[0];
      if (!row) await Bun.sleep(10);
    }
    expect(row).toMatchObject({ outcome: "client_closed", status: 499, cost: 0 });
    // The render nobody will collect is cancelled upstream, so the operator does not pay for it.
    for (let i = 0; i < 100 && !media.jobs.get("video_upstream_1")?.cancelled; i++) await Bun.sleep(10);
    expect(media.jobs.get("video_upstream_1")?.cancelled).toBe(true);
    const polls = media.requests("/v1/videos/video_upstream_1").length;
    await Bun.sleep(100);
    expect(media.requests("/v1/videos/video_upstream_1").length).toBe(polls);
    expect(await used(c.key)).toBe(0);
  });

  test("a render still running when its polling fails is not retried: no second job beside it", async () => {
    const c = await tg.client(5);
    media.pollsToComplete = 3;
    const before = media.requests("/v1/videos").length;
    // The first poll fails upstream (500): the job exists and may still be rendering.
    media.next("/videos/:id", {
      status: 500,
      body: { error: { message: "poll failed", type: "server_error" } },
    });
    const r = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: "x",
      resolution: "720p",
    });
    expect(r.status).toBe(502);
    expect(media.requests("/v1/videos").length).toBe(before + 1);
    expect(await used(c.key)).toBe(0);
  });

  test("bad requests: no video price, video input, unknown resolution; a balance too small is a 402", async () => {
    const c = await tg.client(5);
    const r1 = await post(c.key, "/v1/video/generations", { model: "text-only", prompt: "x" });
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { error: { code: string } }).error.code).toBe("video_price_missing");
    const r2 = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: "x",
      input_video: "https://x/v.mp4",
    });
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as { error: { code: string } }).error.code).toBe("unsupported_feature");
    const r3 = await post(c.key, "/v1/video/generations", {
      model: "openai/sora-2",
      prompt: "x",
      resolution: "8K",
    });
    expect(r3.status).toBe(400);
    const poor = await tg.client("0.5");
    // 12 s (the longest clip, no duration asked) at up to 0.5/s does not fit in 0.5.
    const r4 = await post(poor.key, "/v1/video/generations", { model: "openai/sora-2", prompt: "x" });
    expect(r4.status).toBe(402);
    expect(media.received).toHaveLength(0);
  });
});

describe("POST /v1/videos through the openai SDK", () => {
  test("create answers the completed video object; retrieve and downloadContent work through the gateway", async () => {
    const c = await tg.client(5);
    const video = await c.openai.videos.create({
      model: "openai/sora-2",
      prompt: "A calm lake at dawn",
      seconds: "4",
      size: "720x1280",
      input_reference: await toFile(PNG_1X1, "frame.png", { type: "image/png" }),
    });
    expect(video).toMatchObject({
      object: "video",
      status: "completed",
      seconds: "4",
      size: "720x1280",
      model: "openai/sora-2",
    });
    expect(video.id).toStartWith("video_");
    expect(media.requests("/v1/videos")[0]?.body).toMatchObject({
      model: "sora-2",
      seconds: "4",
      input_reference: { name: "frame.png", type: "image/png" },
    });
    const again = await c.openai.videos.retrieve(video.id);
    expect(again).toEqual(video);
    const content = await c.openai.videos.downloadContent(video.id);
    expect(Buffer.from(await content.arrayBuffer()).equals(MP4_BYTES)).toBe(true);
    expect(await used(c.key)).toBeCloseTo(4 * 0.1, 9);
  });

  test("links expire: 410 content_expired for the content and the object, in the OpenAI shape", async () => {
    const c = await tg.client(5);
    const video = await c.openai.videos.create({ model: "flat-video", prompt: "x", seconds: "4" });
    await Bun.sleep(TTL_S * 1000 + 200);
    const e1 = apiError(await c.openai.videos.downloadContent(video.id).catch((x: unknown) => x));
    expect(e1.status).toBe(410);
    expect((e1.error as Record<string, unknown>).code).toBe("content_expired");
    const e2 = apiError(await c.openai.videos.retrieve(video.id).catch((x: unknown) => x));
    expect(e2.status).toBe(410);
    const e3 = apiError(await c.openai.videos.retrieve("video_unknown").catch((x: unknown) => x));
    expect(e3.status).toBe(404);
  });
});
