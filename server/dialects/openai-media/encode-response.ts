import type { ModelRecord } from "../../catalog/catalog.ts";
import type { VideoAsk } from "./decode-request.ts";
import { encodeVector } from "./vectors.ts";

/** The OpenAI video object for a finished job, under the gateway's id. */
export function openaiVideoObject(
  d: { job: { seconds: number | null; size: string | null }; linkId: string; expiresAt: number },
  ctx: { model: ModelRecord },
  ask: VideoAsk,
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: d.linkId,
    object: "video",
    model: ctx.model.id,
    status: "completed",
    progress: 100,
    created_at: now,
    completed_at: now,
    expires_at: Math.floor(d.expiresAt / 1000),
    prompt: ask.prompt,
    remixed_from_video_id: null,
    seconds: String(d.job.seconds),
    size: d.job.size ?? ask.size ?? "",
    error: null,
  };
}

/** OpenAI's embeddings list: one vector per input in the encoding asked for, and the tokens billed. */
export function embeddingsList(
  vectors: (number[] | string)[],
  format: "float" | "base64",
  model: string,
  tokens: number,
) {
  return {
    object: "list",
    data: vectors.map((v, index) => ({ object: "embedding", index, embedding: encodeVector(v, format) })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
