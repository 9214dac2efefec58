import { Elysia } from "elysia";
import { askFromGeneration, askFromOpenAI } from "../dialects/openai-media/decode-request.ts";
import { openaiVideoObject } from "../dialects/openai-media/encode-response.ts";
import { OpenAIVideoRequest, VideoGenerationRequest } from "../dialects/openai-media/schema.ts";
import type { CallServices } from "../gateway/call-services.ts";
import type { MediaPrepared } from "../gateway/client-call.ts";
import { clientHandler } from "../gateway/client-route.ts";
import { serveVideoLink, videoObject } from "./media-content.ts";
import { videosMeter } from "./videos-meter.ts";

/**
 * The request stays open while the video renders, far beyond Bun's idle timeout (255 s at
 * most): the timeout is lifted for this request only (Bun's `server.timeout(req, 0)`).
 */

const tags = ["OpenAI"];

/**
 * Video generation, synchronous: `POST /v1/video/generations` (AIGate's shape: videos[]
 * with gateway links) and `POST /v1/videos` (the OpenAI video object, already completed),
 * plus `GET /v1/videos/<id>` and `GET /v1/videos/<id>/content` (410 once the link expired).
 */
export const videosRoutes = (gw: CallServices) =>
  new Elysia({ name: "openai-videos" })
    .post(
      "/v1/video/generations",
      clientHandler(
        gw,
        () => ({
          endpoint: "video.generations",
          schema: VideoGenerationRequest,
          prepare: (body: VideoGenerationRequest): MediaPrepared => ({
            modelId: body.model,
            media: videosMeter(gw, askFromGeneration(body), (done, ctx) => ({
              created: Math.floor(Date.now() / 1000),
              model: ctx.model.id,
              duration: done[0]?.job.seconds ?? null,
              videos: done.map((d) => ({
                url: `${ctx.origin}/v1/videos/${d.linkId}/content`,
                mime_type: "video/mp4",
              })),
            })),
          }),
        }),
        { longRunning: true },
      ),
      {
        parse: "none",
        detail: {
          summary: "Generate a video (synchronous; use a 10-15 minute client timeout), billed per second",
          tags,
        },
      },
    )
    .post(
      "/v1/videos",
      clientHandler(
        gw,
        () => ({
          endpoint: "videos",
          schema: OpenAIVideoRequest,
          body: "json-or-form" as const,
          prepare: (body: OpenAIVideoRequest): MediaPrepared => {
            const ask = askFromOpenAI(body);
            return {
              modelId: body.model,
              media: videosMeter(gw, ask, (done, ctx) => openaiVideoObject(done[0]!, ctx, ask)),
            };
          },
        }),
        { longRunning: true },
      ),
      {
        parse: "none",
        detail: { summary: "OpenAI-style video create (answers once the video is complete)", tags },
      },
    )
    .get("/v1/videos/:id", ({ params }) => videoObject(gw, params.id), {
      detail: { summary: "A generated video's object", tags },
    })
    .get(
      "/v1/videos/:id/content",
      ({ params, query, request }) =>
        serveVideoLink(
          gw,
          params.id,
          typeof query.variant === "string" ? query.variant : null,
          request.signal,
        ),
      { detail: { summary: "Download a generated video (the link expires: 410 after)", tags } },
    );
