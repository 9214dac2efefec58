import { MockServer, type Recorded } from "./mock-server.ts";

/** The smallest valid PNG (1x1, transparent), as the mock's generated image. */
export const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
/** What the mock serves as a rendered video (an MP4 header and some bytes). */
export const MP4_BYTES = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]),
  Buffer.alloc(500, 7),
]);
/** The signature an image URL carries, like a cloud storage SAS token. */
export const URL_SIGNATURE = "sv=2026-01-01&sig=MOCKSECRETSIGNATURE0123";

/** Deterministic vector of an input: its length and index, then fixed values (exact in float32). */
export function mockVector(text: string, index: number, dims = 4): number[] {
  const base = [text.length, index, 0.5, -0.25];
  return Array.from({ length: dims }, (_, i) => base[i % base.length]!);
}
/** Deterministic prompt tokens of an embeddings input: 2 per input plus one per word. */
export function mockEmbeddingTokens(inputs: string[]): number {
  return inputs.reduce((n, t) => n + 2 + t.split(/\s+/).filter(Boolean).length, 0);
}

type Fixture = "default";

type Job = {
  id: string;
  body: Record<string, unknown>;
  polls: number;
  fail?: { code: string; message: string };
  /** Set by DELETE /v1/videos/<id> (the gateway cancels renders nobody will collect). */
  cancelled?: boolean;
};

/**
 * An OpenAI-compatible media upstream on loopback: /v1/embeddings (float or base64
 * float32), /v1/images/generations and /edits (b64_json, or signed URLs it serves itself),
 * and the video job API (/v1/videos create, poll, content). Video jobs complete after
 * `pollsToComplete` polls, or fail when told (`failVideos`).
 */
export class MockOpenAIMedia extends MockServer<Fixture> {
  pollsToComplete = 2;
  /** When set, video jobs fail with this error (until reset). */
  failVideos: { code: string; message: string } | null = null;
  /** Video jobs report this many seconds (default: what was asked, else 4). */
  renderedSeconds: number | null = null;
  readonly jobs = new Map<string, Job>();
  /** How image files are served (until reset): another content type, or a redirect elsewhere. */
  fileAnswer: { contentType?: string; redirectTo?: string } | null = null;
  private counter = 0;

  get url(): string {
    return `${this.origin}/v1`;
  }

  override reset(): this {
    super.reset();
    this.failVideos = null;
    this.fileAnswer = null;
    this.jobs.clear();
    this.counter = 0;
    return this;
  }

  protected async handle(req: Request, rec: Recorded): Promise<Response> {
    const path = rec.path;
    if (req.method === "GET" && path.startsWith("/files/")) return this.file(req);
    if (rec.headers.authorization !== "Bearer sk-mock-media-key")
      return Response.json(
        {
          error: {
            message: "Incorrect API key provided.",
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        },
        { status: 401 },
      );
    const route = path.replace(/^\/v1/, "");
    const picked = this.answerFor(route.startsWith("/videos/") ? "/videos/:id" : route);
    if (picked) {
      const r = await this.explicit(req, picked);
      if (r instanceof Response) return r;
    }
    if (req.method === "POST" && route === "/embeddings")
      return this.embeddings(rec.body as Record<string, unknown>);
    if (req.method === "POST" && (route === "/images/generations" || route === "/images/edits"))
      return this.images(rec.body as Record<string, unknown>);
    if (req.method === "POST" && route === "/videos")
      return this.createVideo(rec.body as Record<string, unknown>);
    const m = /^\/videos\/([^/]+)(\/content)?$/.exec(route);
    if (req.method === "GET" && m?.[1]) return m[2] ? this.videoContent(m[1]) : this.pollVideo(m[1]);
    if (req.method === "DELETE" && m?.[1] && !m[2]) {
      const job = this.jobs.get(m[1]);
      if (job) job.cancelled = true;
      return Response.json({ id: m[1], object: "video.deleted", deleted: Boolean(job) });
    }
    return new Response("not found", { status: 404 });
  }

  private embeddings(body: Record<string, unknown>): Response {
    const inputs = typeof body.input === "string" ? [body.input] : (body.input as string[]);
    const dims = typeof body.dimensions === "number" ? body.dimensions : 4;
    const data = inputs.map((t, index) => {
      const v = mockVector(t, index, dims);
      const embedding =
        body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
      return { object: "embedding", index, embedding };
    });
    const tokens = mockEmbeddingTokens(inputs);
    return Response.json({
      object: "list",
      data,
      model: String(body.model),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  private images(body: Record<string, unknown>): Response {
    const n = Number(body.n ?? 1);
    const asUrl = body.response_format === "url";
    const data = Array.from({ length: n }, (_, i) =>
      asUrl
        ? { url: `${this.origin}/files/img-${++this.counter}-${i}.png?${URL_SIGNATURE}` }
        : { b64_json: PNG_1X1.toString("base64"), revised_prompt: String(body.prompt) },
    );
    const size = typeof body.size === "string" && body.size !== "auto" ? body.size : "1024x1024";
    return Response.json({
      created: 1_780_000_000,
      data,
      size,
      quality: typeof body.quality === "string" ? body.quality : "medium",
      usage: { input_tokens: 12, output_tokens: 272 * n, total_tokens: 12 + 272 * n },
    });
  }

  private file(req: Request): Response {
    const url = new URL(req.url);
    if (!url.search.includes(URL_SIGNATURE)) return new Response("AuthenticationFailed", { status: 403 });
    const a = this.fileAnswer;
    if (a?.redirectTo && !url.searchParams.has("moved"))
      return new Response(null, { status: 302, headers: { location: a.redirectTo } });
    if (a?.contentType)
      return new Response("<script>alert(document.cookie)</script>", {
        headers: { "content-type": a.contentType },
      });
    return new Response(PNG_1X1, { headers: { "content-type": "image/png" } });
  }

  private createVideo(body: Record<string, unknown>): Response {
    const id = `video_upstream_${++this.counter}`;
    const job: Job = { id, body, polls: 0 };
    if (this.failVideos) job.fail = this.failVideos;
    this.jobs.set(id, job);
    return Response.json(this.videoView(job, "queued"));
  }

  private pollVideo(id: string): Response {
    const job = this.jobs.get(id);
    if (!job)
      return Response.json({ error: { message: "Video not found", code: "not_found" } }, { status: 404 });
    job.polls++;
    const status = job.polls < this.pollsToComplete ? "in_progress" : job.fail ? "failed" : "completed";
    return Response.json(this.videoView(job, status));
  }

  private videoContent(id: string): Response {
    const job = this.jobs.get(id);
    if (!job || job.polls < this.pollsToComplete || job.fail)
      return Response.json({ error: { message: "Video is not ready", code: "not_found" } }, { status: 404 });
    return new Response(MP4_BYTES, { headers: { "content-type": "video/mp4" } });
  }

  private videoView(job: Job, status: string) {
    const seconds = this.renderedSeconds ?? Number(job.body.seconds ?? 4);
    return {
      id: job.id,
      object: "video",
      model: String(job.body.model),
      status,
      progress: status === "completed" ? 100 : status === "queued" ? 0 : 50,
      created_at: 1_780_000_000,
      completed_at: status === "completed" ? 1_780_000_100 : null,
      expires_at: null,
      prompt: String(job.body.prompt),
      remixed_from_video_id: null,
      seconds: String(seconds),
      size: typeof job.body.size === "string" ? job.body.size : "720x1280",
      error: status === "failed" ? (job.fail ?? null) : null,
    };
  }
}
