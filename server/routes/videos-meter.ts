import { maxVideoSecondPrice, secondsCost, videoSecondPrice } from "../billing/media-prices.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { capInt, withinLimit } from "../dialects/openai-media/bounds.ts";
import type { VideoAsk } from "../dialects/openai-media/decode-request.ts";
import { openaiVideoObject } from "../dialects/openai-media/encode-response.ts";
import { badRequest, GatewayError } from "../errors.ts";
import type { MeterServices } from "../gateway/call-services.ts";
import type { MediaMeter, MediaRunContext } from "../gateway/media-call.ts";
import { ClientClosed, upstreamTimeout } from "../providers/errors.ts";
import type { MediaCall, Target, VideoJob, VideoJobs } from "../providers/provider.ts";
import { providerFor } from "../providers/registry.ts";

/** OpenAI's default clip length, used when neither the client nor the model names one. */
const DEFAULT_SECONDS = 4;

/**
 * The seconds reserved for and forwarded, always explicitly (an upstream left to choose
 * could render longer than reserved): the asked duration within the model's
 * `max_video_seconds`, else the model's `default_video_seconds`, else 4 s as OpenAI does.
 */
function secondsOf(ask: VideoAsk, model: ModelRecord): number {
  const max = capInt(model, "max_video_seconds", null);
  if (ask.seconds !== null) {
    withinLimit(ask.seconds, max, ask.secondsField, `The video duration (${ask.secondsField})`);
    return ask.seconds;
  }
  const fallback = capInt(model, "default_video_seconds", DEFAULT_SECONDS);
  return max === null ? fallback : Math.min(fallback, max);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ClientClosed());
    const gone = () => {
      clearTimeout(t);
      reject(new ClientClosed());
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", gone);
      resolve();
    }, ms);
    signal.addEventListener("abort", gone, { once: true });
  });
}

function failed(job: VideoJob): GatewayError {
  const msg = job.error?.message ? `: ${job.error.message.slice(0, 500)}` : "";
  // A refused prompt is the client's to fix; anything else is the provider's failure.
  if (job.error && /moderation|policy|safety/i.test(job.error.code))
    return badRequest(`The provider refused to generate this video${msg}`, "prompt", job.error.code);
  return new GatewayError("upstream", `The provider failed to generate the video${msg}`, {
    code: "video_generation_failed",
  });
}

/** Polls a job until it is completed or failed, within the provider's total timeout; the client leaving stops it. */
async function finished(videos: VideoJobs, call: MediaCall, job: VideoJob, pollMs: number, deadline: number) {
  let j = job;
  while (j.status === "queued" || j.status === "in_progress") {
    if (Date.now() + pollMs > deadline) throw upstreamTimeout("total", call.target.provider.timeouts.totalMs);
    await sleep(pollMs, call.signal);
    j = await videos.retrieve(call, j.id);
  }
  if (j.status === "failed") throw failed(j);
  return j;
}

export type VideoAnswer = (
  done: { job: VideoJob; linkId: string; expiresAt: number }[],
  ctx: MediaRunContext,
) => unknown;

/**
 * Video billed per second: reserved as the duration forwarded (asked, else the model's
 * default) x the per-second price (the dearest when no size is asked) x n, charged for the
 * seconds the upstream rendered, never above the reservation. The call stays open while the
 * job renders (polled every `options.video_poll_ms`, default 5 s, up to the provider's
 * total timeout); the result is served through expiring gateway links.
 */
export function videosMeter(gw: MeterServices, ask: VideoAsk, answer: VideoAnswer): MediaMeter {
  const priceOf = (model: ModelRecord, size: string | null) =>
    videoSecondPrice(model.mediaPrices, [size, ask.resolution]);
  /** The per-second price reserved for: the asked size's, else the dearest. */
  const reservedPrice = (model: ModelRecord) =>
    ask.size || ask.resolution ? priceOf(model, ask.size) : maxVideoSecondPrice(model.mediaPrices);
  return {
    capability: "videos",
    dropped: ask.dropped,
    reserve(model) {
      const perSecond = reservedPrice(model);
      if (perSecond === null)
        throw badRequest(
          `The model '${model.id}' has no video price${ask.size ? ` for size ${ask.size}` : ""}: it does not generate video, or not at this size.`,
          ask.size ? "size" : "model",
          "video_price_missing",
        );
      return secondsCost(perSecond, secondsOf(ask, model) * 1000 * ask.n);
    },
    async run(target: Target, ctx) {
      const videos = providerFor(target.provider.kind).videos!;
      const call: MediaCall = { requestId: ctx.requestId, target, signal: ctx.signal };
      const poll = Number(target.provider.options.video_poll_ms);
      const pollMs = Number.isFinite(poll) && poll > 0 ? poll : 5000;
      const deadline = Date.now() + target.provider.timeouts.totalMs;
      const seconds = secondsOf(ask, ctx.model);
      const created = await Promise.all(
        Array.from({ length: ask.n }, () =>
          videos.create({
            ...call,
            prompt: ask.prompt,
            seconds,
            size: ask.size,
            inputReference: ask.inputReference,
          }),
        ),
      );
      let jobs: VideoJob[];
      try {
        jobs = await Promise.all(created.map((j) => finished(videos, call, j, pollMs, deadline)));
      } catch (err) {
        if (err instanceof ClientClosed) {
          // Nobody will collect these renders: ask the provider to stop them (not billed).
          const detached = { ...call, signal: new AbortController().signal };
          for (const j of created) void videos.cancel?.(detached, j.id);
          throw err;
        }
        // A job that failed is over: another route may try. But while jobs are still
        // rendering upstream (a poll timed out or failed), another attempt would start and
        // pay for new renders beside them.
        if (!(err instanceof GatewayError) || err.code === "video_generation_failed") throw err;
        throw new GatewayError(err.kind, err.message, {
          code: err.code,
          status: err.status,
          headers: err.headers,
          final: true,
        });
      }
      let cost = 0;
      const now = Date.now();
      const done = jobs.map((job) => {
        const rendered = job.seconds ?? seconds;
        // A size the price table does not know is charged at the price reserved for.
        cost += secondsCost(
          priceOf(ctx.model, job.size ?? ask.size) ?? reservedPrice(ctx.model) ?? 0,
          rendered * 1000,
        );
        const link = gw.media.create({
          kind: "video",
          accountId: ctx.key.accountId,
          keyId: ctx.key.id,
          requestId: ctx.requestId,
          providerId: target.provider.id,
          upstreamRef: job.id,
          mimeType: "video/mp4",
          // The video object GET /v1/videos/<id> shows.
          meta: (l) =>
            openaiVideoObject(
              { job: { ...job, seconds: rendered }, linkId: l.id, expiresAt: l.expiresAt },
              ctx,
              ask,
            ),
          now,
          ttlMs: gw.settings.mediaLinkTtlMs,
        });
        return {
          job: { ...job, seconds: rendered },
          linkId: link.id,
          expiresAt: link.expiresAt,
          write: link.write,
        };
      });
      await gw.commits.enqueue(done.map((d) => d.write));
      const body = answer(done, ctx);
      return {
        body: JSON.stringify(body),
        cost,
        usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0 },
        source: "upstream",
      };
    },
  };
}
