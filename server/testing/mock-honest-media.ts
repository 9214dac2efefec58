import { MockServer, type Recorded } from "./mock-server.ts";

/**
 * Which spelling of a cost-bearing field the mock honours when several are sent: the
 * OpenAI name first, or a vendor's other name first (`num_images`, `inputs`, `duration`...).
 */
export type ReadOrder = "canonical-first" | "alias-first";

/** What the upstream made for one call, as it reported it (the test prices it independently). */
export type Produced =
  | { kind: "images"; model: string; count: number; size: string; quality: string }
  | { kind: "video"; model: string; seconds: number; size: string }
  | { kind: "embeddings"; model: string; tokens: number }
  | { kind: "gemini-embeddings"; model: string; texts: string[] };

/**
 * Other names vendors read for the same fields. The mock's own lists, not the gateway's: a
 * spelling the gateway forgot to refuse is one the mock honours.
 */
const COUNT = [
  "n",
  "num_images",
  "numImages",
  "n_images",
  "batch_size",
  "num_outputs",
  "samples",
  "sampleCount",
];
const QUALITY = ["quality", "image_quality"];
const SECONDS = ["seconds", "duration", "duration_seconds"];
const INPUT = ["input", "inputs", "texts"];
const DIMENSIONS = ["dimensions", "dim", "output_dimensionality"];
const QUALITIES = new Set(["low", "medium", "high", "standard", "hd"]);

const refuse = (message: string, param: string) =>
  Response.json(
    { error: { message, type: "invalid_request_error", param, code: "invalid_value" } },
    { status: 400 },
  );

/** A whole number from JSON or form text, or null. */
function int(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * An honest OpenAI-compatible media upstream (and Gemini's batchEmbedContents) on loopback:
 * it makes what it is asked for, reading each field under whichever spelling comes first in
 * its `order`; what the client leaves to it ("auto", unset) it chooses at the dearest end
 * (`autoSize`, `autoQuality`, `defaultSeconds`), and it reports exactly what it made, in
 * the answer and in `produced`. Bad values are refused with a 400, as OpenAI does.
 * Answers queued with `next(path, ...)` are served instead (and not counted as produced).
 */
export class MockHonestMedia extends MockServer<never> {
  order: ReadOrder = "canonical-first";
  autoSize = "1536x1024";
  autoQuality = "high";
  /** The clip length it renders when no duration is sent (longer than most reserve for). */
  defaultSeconds = 16;
  videoSize = "1792x1024";
  readonly produced: Produced[] = [];
  private counter = 0;

  get url(): string {
    return `${this.origin}/v1`;
  }

  override reset(): this {
    super.reset();
    this.produced.length = 0;
    this.order = "canonical-first";
    return this;
  }

  /** The first spelling present, in the mock's reading order. */
  private read(body: Record<string, unknown>, names: string[]): unknown {
    const ordered = this.order === "canonical-first" ? names : [...names.slice(1), names[0]!];
    for (const n of ordered) if (body[n] !== undefined) return body[n];
    return undefined;
  }

  protected async handle(req: Request, rec: Recorded): Promise<Response> {
    // A queued answer (a dishonest one, in the tests that check the gateway does not trust it).
    const picked = this.answerFor(rec.path);
    if (picked) return (await this.explicit(req, picked)) as Response;
    const body = (typeof rec.body === "object" && rec.body !== null ? rec.body : {}) as Record<
      string,
      unknown
    >;
    const gemini = /^\/v1beta\/models\/([^:]+):batchEmbedContents$/.exec(rec.path);
    if (req.method === "POST" && gemini) return this.gemini(gemini[1]!, body);
    if (req.method === "POST" && (rec.path === "/v1/images/generations" || rec.path === "/v1/images/edits"))
      return this.images(body);
    if (req.method === "POST" && rec.path === "/v1/videos") return this.video(body);
    if (req.method === "POST" && rec.path === "/v1/embeddings") return this.embeddings(body);
    return new Response("not found", { status: 404 });
  }

  private images(body: Record<string, unknown>): Response {
    const rawCount = this.read(body, COUNT);
    const count = rawCount === undefined ? 1 : int(rawCount);
    if (count === null || count < 1 || count > 10) return refuse("n must be 1 to 10", "n");
    const w = int(body.width);
    const h = int(body.height);
    const sized = w !== null && h !== null ? `${w}x${h}` : undefined;
    const asked = this.order === "canonical-first" ? (body.size ?? sized) : (sized ?? body.size);
    const size = asked === undefined || asked === "auto" ? this.autoSize : String(asked);
    if (!/^\d+x\d+$/.test(size)) return refuse(`invalid size ${size}`, "size");
    const q = this.read(body, QUALITY);
    const quality = q === undefined || q === "auto" ? this.autoQuality : String(q);
    if (!QUALITIES.has(quality)) return refuse(`invalid quality ${quality}`, "quality");
    const model = String(body.model);
    this.produced.push({ kind: "images", model, count, size, quality });
    return Response.json({
      created: 1_780_000_000,
      data: Array.from({ length: count }, () => ({ b64_json: "iVBORw0KGgo=" })),
      size,
      quality,
      usage: { input_tokens: 10, output_tokens: 100 * count, total_tokens: 10 + 100 * count },
    });
  }

  private video(body: Record<string, unknown>): Response {
    const raw = this.read(body, SECONDS);
    const seconds = raw === undefined ? this.defaultSeconds : int(raw);
    if (seconds === null || seconds < 1 || seconds > 120)
      return refuse("seconds must be 1 to 120", "seconds");
    const size = typeof body.size === "string" ? body.size : this.videoSize;
    const model = String(body.model);
    this.produced.push({ kind: "video", model, seconds, size });
    // Completed at once: the gateway polls only while a job is queued or in progress.
    return Response.json({
      id: `video_honest_${++this.counter}`,
      object: "video",
      model,
      status: "completed",
      progress: 100,
      seconds: String(seconds),
      size,
    });
  }

  private embeddings(body: Record<string, unknown>): Response {
    const input = this.read(body, INPUT);
    const items: unknown[] =
      typeof input === "string" || (Array.isArray(input) && typeof input[0] === "number")
        ? [input]
        : Array.isArray(input)
          ? input
          : [];
    if (items.length === 0) return refuse("input is required", "input");
    let tokens = 0;
    for (const it of items) {
      if (typeof it === "string") tokens += 2 + it.split(/\s+/).filter(Boolean).length;
      else if (Array.isArray(it)) tokens += it.length;
      else return refuse("input items must be strings or token lists", "input");
    }
    const dims = int(this.read(body, DIMENSIONS)) ?? 4;
    const model = String(body.model);
    this.produced.push({ kind: "embeddings", model, tokens });
    return Response.json({
      object: "list",
      data: items.map((_, index) => ({
        object: "embedding",
        index,
        embedding: Array(Math.min(dims, 64)).fill(0.5),
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  private gemini(model: string, body: Record<string, unknown>): Response {
    const requests = Array.isArray(body.requests) ? (body.requests as Record<string, unknown>[]) : [];
    const texts = requests.map((r) =>
      String((r.content as { parts: { text: string }[] }).parts[0]?.text ?? ""),
    );
    this.produced.push({ kind: "gemini-embeddings", model, texts });
    return Response.json({
      embeddings: requests.map((r) => ({
        values: Array(Math.min(int(r.outputDimensionality) ?? 3, 64)).fill(0.25),
      })),
    });
  }
}
