import { type Json, obj, str } from "../../core/wire-json.ts";
import { providerSecrets, upstreamError, upstreamInvalid } from "../errors.ts";
import { MAX_ERROR_BYTES, tlsInit, UpstreamExchange } from "../http.ts";
import type { MediaCall, VideoCreateCall, VideoJob, VideoJobs, VideoStatus } from "../provider.ts";
import { postUpstream } from "../upstream-call.ts";
import { toFormData } from "./media.ts";

/**
 * OpenAI's video job API (POST {base}/videos, GET /videos/{id}, GET /videos/{id}/content):
 * a job is created (multipart, as the SDK sends it), then polled until `completed` or
 * `failed`; the bytes are fetched with the provider's key and streamed through.
 */

const STATUSES: VideoStatus[] = ["queued", "in_progress", "completed", "failed"];

function jobOf(body: Json): VideoJob {
  const id = str(body.id);
  const status = STATUSES.find((s) => s === body.status);
  if (!id || !status) throw upstreamInvalid("a video job without an id or a known status");
  const seconds = Number(body.seconds);
  const err = obj(body.error);
  return {
    id,
    status,
    seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : null,
    size: str(body.size) ?? null,
    error: err ? { code: str(err.code) ?? "video_failed", message: str(err.message) ?? "" } : null,
  };
}

const base = (call: MediaCall) => call.target.provider.baseUrl.replace(/\/+$/, "");
const auth = (call: MediaCall): Record<string, string> =>
  call.target.provider.apiKey ? { authorization: `Bearer ${call.target.provider.apiKey}` } : {};

async function jsonCall(call: MediaCall, path: string, body?: FormData): Promise<VideoJob> {
  const res = await postUpstream(
    { ...call, stream: false },
    {
      url: `${base(call)}${path}`,
      method: body ? "POST" : "GET",
      headers: auth(call),
      ...(body ? { body } : {}),
      dialect: "openai-embeddings",
      secrets: [call.target.provider.apiKey],
    },
  );
  if (res.kind !== "json") throw upstreamInvalid("a stream where a video job was expected");
  return jobOf(res.body);
}

export const openaiVideos: VideoJobs = {
  create(call: VideoCreateCall) {
    const fields: Json = { model: call.target.model, prompt: call.prompt };
    if (call.seconds !== null) fields.seconds = String(call.seconds);
    if (call.size !== null) fields.size = call.size;
    const ref = call.inputReference;
    if (ref && "file" in ref) fields.input_reference = ref.file;
    else if (ref) fields.input_reference = { image_url: ref.imageUrl };
    return jsonCall(call, "/videos", toFormData(fields));
  },

  retrieve(call: MediaCall, jobId: string) {
    return jsonCall(call, `/videos/${encodeURIComponent(jobId)}`);
  },

  /** OpenAI's `DELETE /videos/{id}`; errors are ignored (the job may have finished meanwhile). */
  async cancel(call: MediaCall, jobId: string) {
    const { provider } = call.target;
    try {
      const res = await fetch(`${base(call)}/videos/${encodeURIComponent(jobId)}`, {
        method: "DELETE",
        headers: { ...provider.headers, ...auth(call), "x-request-id": call.requestId },
        signal: AbortSignal.timeout(Math.min(provider.timeouts.connectMs, 10_000)),
        ...tlsInit(provider),
      });
      await res.body?.cancel();
    } catch {
      // best effort
    }
  },

  async content(call: MediaCall, jobId: string, variant: string | null) {
    const { provider } = call.target;
    const ex = new UpstreamExchange(provider.timeouts, call.signal, false, providerSecrets(provider));
    const q = variant ? `?variant=${encodeURIComponent(variant)}` : "";
    let ok = false;
    try {
      const res = await ex.send(`${base(call)}/videos/${encodeURIComponent(jobId)}/content${q}`, {
        headers: {
          ...provider.headers,
          ...auth(call),
          accept: "application/binary",
          "x-request-id": call.requestId,
        },
        ...tlsInit(provider),
      });
      if (!res.ok)
        throw upstreamError(
          res.status,
          await ex.text(res, MAX_ERROR_BYTES, "truncate"),
          res.headers,
          providerSecrets(provider),
        );
      if (!res.body) throw upstreamInvalid("an empty video");
      ok = true;
      // The exchange's deadlines and client listener end with the body.
      const done = new TransformStream<Uint8Array, Uint8Array>({ flush: () => ex.close() });
      return new Response(res.body.pipeThrough(done), {
        headers: { "content-type": res.headers.get("content-type") ?? "video/mp4" },
      });
    } finally {
      if (!ok) ex.close();
    }
  },
};
