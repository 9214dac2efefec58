import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { MediaBoundsGateway } from "../testing/media-bounds-gateway.ts";

/**
 * Generated media requests (images, edits, both video routes, embeddings on
 * OpenAI-compatible, Gemini, GigaChat and Yandex upstreams) with arbitrary numbers, types and spellings in
 * every cost-bearing field, sent concurrently on a small balance through the real server
 * to the honest mock (which honours whichever spelling it reads first, in both orders).
 *
 * Invariants: no 5xx; the balance and the key's spend limit are never overdrawn; every
 * reservation is a non-negative integer and no charge exceeds its reservation; what the
 * account was charged equals the price of what the upstream reported making.
 *
 * Bounded for `npm test`; `TOLLGATE_PROPERTY_RUNS=3000` for a long run.
 */

const LONG = Number(process.env.TOLLGATE_PROPERTY_RUNS) || 0;
const RUNS = LONG || 100;
/** Answers by route and status, printed after a long run (what the generator reached). */
const tally = new Map<string, number>();

let g: MediaBoundsGateway;
beforeAll(async () => {
  g = await MediaBoundsGateway.start();
});
afterAll(async () => {
  await g.stop();
});

/** A value for a numeric field: absent, whole, fractional, huge, negative, text, or another type. */
const junk = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: 22 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.5, 1.5, 4.0000001, 1e9, -1e9, 2 ** 53, 1e300) },
  { weight: 1, arbitrary: fc.double() },
  {
    weight: 2,
    arbitrary: fc.constantFrom("1", "2", "4", "8", "12", "08", "1.5", "-2", "abc", "", " 4", "1e1"),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [2], { n: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
/** Mostly a plausible value (so calls get through to the upstream and the book), sometimes junk. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: junk as fc.Arbitrary<unknown> });
/** Fields present only sometimes: other spellings a vendor might read. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: arb });

const imageCount = mostly(fc.constantFrom(undefined, 1, 2, 3, 4, "2"));
const imageSize = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(undefined, "auto", "1024x1024", "1536x1024") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("512x512", "1024X1024", "4096x4096", "0x0", "", " 1024x1024", "constructor"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const imageQuality = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(undefined, "auto", "low", "medium", "high", "hd", "standard") },
  { weight: 1, arbitrary: fc.constantFrom("ultra", "HIGH", "", "__proto__") },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const imageAliases = sometimes(
  fc.record(
    {
      num_images: junk,
      numImages: junk,
      samples: junk,
      batch_size: junk,
      width: junk,
      height: junk,
      image_quality: imageQuality,
    },
    { requiredKeys: [] },
  ),
);

type Call = { path: string; body: Record<string, unknown>; multipart: boolean };

const images: fc.Arbitrary<Call> = fc
  .record({
    edit: fc.boolean(),
    multipart: fc.boolean(),
    model: fc.constantFrom("img-star", "img-star", "img-star", "img-sized", "img-sized", "vid"),
    n: imageCount,
    size: imageSize,
    quality: imageQuality,
    partial: sometimes(fc.record({ partial_images: junk })),
    aliases: imageAliases,
  })
  .map(({ edit, multipart, model, n, size, quality, partial, aliases }) => ({
    path: edit ? "/v1/images/edits" : "/v1/images/generations",
    multipart: edit && multipart,
    body: {
      model,
      prompt: "a lighthouse",
      ...(edit
        ? multipart
          ? { image: true }
          : { images: [{ image_url: "https://example.com/a.png" }] }
        : {}),
      n,
      size,
      quality,
      ...partial,
      ...aliases,
    },
  }));

const videoSize = fc.constantFrom(
  undefined,
  undefined,
  "1280x720",
  "720x1280",
  "1792x1024",
  "1920x1080",
  "big",
);
const videos: fc.Arbitrary<Call> = fc
  .record({
    openai: fc.boolean(),
    multipart: fc.boolean(),
    model: fc.constantFrom("vid", "vid", "vid-flat", "vid-flat", "img-star"),
    seconds: mostly(fc.constantFrom(undefined, undefined, 1, 4, 8, 12, 16, "4", "8")),
    other: sometimes(
      fc.record(
        { duration: junk, seconds: junk, duration_seconds: junk, durationSeconds: junk },
        { requiredKeys: [] },
      ),
    ),
    size: videoSize,
    resolution: fc.constantFrom(undefined, undefined, "720p", "1080p", "4K", "1280x720"),
    aspect: fc.constantFrom(undefined, "16:9", "9:16"),
    n: mostly(fc.constantFrom(undefined, undefined, 1, 2, 3, 4, 5)),
    count: sometimes(fc.record({ num_videos: junk, sampleCount: junk }, { requiredKeys: [] })),
  })
  .map((v) => ({
    path: v.openai ? "/v1/videos" : "/v1/video/generations",
    multipart: v.openai && v.multipart,
    body: v.openai
      ? { model: v.model, prompt: "a lake", seconds: v.seconds, size: v.size, ...v.other, ...v.count }
      : {
          model: v.model,
          prompt: "a lake",
          duration: v.seconds,
          resolution: v.resolution,
          aspect_ratio: v.aspect,
          n: v.n,
          ...v.other,
          ...v.count,
        },
  }));

const words = fc
  .array(fc.constantFrom("hello", "world", "a", "tollgate", "€", "日本語", "aaaaaaaaaaaaaaaa", "\n"), {
    maxLength: 80,
  })
  .map((w) => w.join(" "));
const tokens = fc.array(fc.nat({ max: 100_000 }), { maxLength: 70 });
const embeddingInput = fc.oneof(
  { weight: 3, arbitrary: words },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 3, arbitrary: fc.array(words, { maxLength: 10 }) },
  { weight: 1, arbitrary: tokens },
  { weight: 1, arbitrary: fc.array(tokens, { maxLength: 10 }) },
  { weight: 1, arbitrary: junk },
);
const embeddings: fc.Arbitrary<Call> = fc
  .record({
    model: fc.constantFrom("embed", "embed", "embed-gem", "embed-gem", "embed-giga", "embed-ya", "img-star"),
    input: embeddingInput,
    dimensions: mostly(fc.constantFrom(undefined, undefined, 1, 8, 32, 33, 3072)),
    format: fc.constantFrom(undefined, "float", "base64"),
    aliases: sometimes(
      fc.record(
        { inputs: embeddingInput, texts: embeddingInput, dim: junk, output_dimensionality: junk },
        { requiredKeys: [] },
      ),
    ),
  })
  .map((e) => ({
    path: "/v1/embeddings",
    multipart: false,
    body: {
      model: e.model,
      input: e.input,
      dimensions: e.dimensions,
      encoding_format: e.format,
      ...e.aliases,
    },
  }));

const scenario = fc.record({
  order: fc.constantFrom("canonical-first", "alias-first") as fc.Arbitrary<"canonical-first" | "alias-first">,
  /** Thousandths of a dollar: a few images, seconds or embeddings at most. */
  balance: fc.integer({ min: 0, max: 600 }),
  spendLimit: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
  calls: fc.array(fc.oneof(images, videos, embeddings), { minLength: 1, maxLength: 6 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Runs one scenario; returns what broke (empty when every invariant held). */
async function run(s: Scenario): Promise<string[]> {
  g.reset(s.order);
  const c = await g.tg.client(
    s.balance / 1000,
    s.spendLimit === null ? {} : { spend_limit: s.spendLimit / 1000 },
  );
  const answers = await Promise.all(
    s.calls.map(async (call) => {
      const res = await g.post(c.key, call.path, call.body, call.multipart);
      return { status: res.status, text: await res.text() };
    }),
  );
  const broken: string[] = [];
  answers.forEach((a, i) => {
    const k = `${s.calls[i]!.path} ${a.status} ${/"code":"([^"]*)"/.exec(a.text)?.[1] ?? ""}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
    if (a.status >= 500) broken.push(`call ${i}: ${a.status} ${a.text.slice(0, 300)}`);
    else if (a.status >= 400 && !/"error":\{"message":/.test(a.text))
      broken.push(`call ${i}: ${a.status} not in OpenAI's error shape: ${a.text.slice(0, 200)}`);
  });
  const after = await g.usedNano(c.key);
  const made = g.made();
  for (const p of made.unpriced)
    broken.push(`the upstream made something without a price: ${JSON.stringify(p)}`);
  if (after.used !== made.nano)
    broken.push(`charged ${after.used} nano, the upstream made ${made.nano} nano of output`);
  if (after.balance < 0) broken.push(`balance ${after.balance} below zero`);
  if (s.spendLimit !== null && after.keyUsed > s.spendLimit * 1_000_000)
    broken.push(`key used ${after.keyUsed} beyond its spend limit`);
  for (const v of g.violations) broken.push(`book: ${JSON.stringify(v)}`);
  return broken;
}

describe("media bounds, generated", () => {
  test(
    `${RUNS} generated scenarios: no 5xx, never overdrawn, charged == what the upstream made`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const broken = await run(s);
          if (broken.length > 0) throw new Error(broken.join("\n"));
        }),
        { numRuns: RUNS, endOnFailure: false },
      );
      expect(g.violations).toEqual([]);
      if (LONG)
        console.log(
          [...tally]
            .sort()
            .map(([k, n]) => `${k}: ${n}`)
            .join("\n"),
        );
    },
    RUNS * 1000 + 10_000,
  );
});
