import { MockServer, type Recorded } from "./mock-server.ts";

export const GEMINI_KEY = "AIzaMockGeminiEmbeddingsKey0123456789";

/**
 * Gemini's embeddings API on loopback: POST /v1beta/models/{model}:batchEmbedContents with
 * `x-goog-api-key`, {requests: [{model, content: {parts: [{text}]}, outputDimensionality?}]}
 * -> {embeddings: [{values}]}. Like the real API it reports no token usage.
 */
export class MockGeminiEmbeddings extends MockServer<never> {
  get url(): string {
    return `${this.origin}/v1beta`;
  }

  protected async handle(req: Request, rec: Recorded): Promise<Response> {
    if (rec.headers["x-goog-api-key"] !== GEMINI_KEY)
      return Response.json(
        {
          error: {
            code: 400,
            message: "API key not valid. Please pass a valid API key.",
            status: "INVALID_ARGUMENT",
          },
        },
        { status: 400 },
      );
    const m = /^\/v1beta\/(models\/[^:]+):batchEmbedContents$/.exec(rec.path);
    if (req.method !== "POST" || !m) return new Response("not found", { status: 404 });
    const picked = this.answerFor("/batchEmbedContents");
    if (picked) {
      const r = await this.explicit(req, picked);
      if (r instanceof Response) return r;
    }
    const requests = (rec.body as { requests: Record<string, unknown>[] }).requests;
    if (requests.some((r) => r.model !== m[1]))
      return Response.json(
        { error: { code: 400, message: "model mismatch", status: "INVALID_ARGUMENT" } },
        { status: 400 },
      );
    return Response.json({
      embeddings: requests.map((r, i) => {
        const text = String(((r.content as { parts: { text: string }[] }).parts[0] ?? { text: "" }).text);
        const dims = typeof r.outputDimensionality === "number" ? r.outputDimensionality : 3;
        return {
          values: Array.from({ length: dims }, (_, d) => (d === 0 ? text.length : d === 1 ? i : 0.125)),
        };
      }),
    });
  }
}
