/**
 * What a benchmark asks on each client surface (`--surface=chat|responses|gemini|messages` of
 * bench/ab.ts and bench/profile.ts): the body (the small one or an agent-shaped one) and the
 * route, on the Tollgate whose chat completions URL the target names.
 */
import { agentBody, type BodyKb, SURFACES, type Surface } from "./agent-body.ts";
import {
  BENCH_GEMINI_MODEL,
  BENCH_MESSAGES_MODEL,
  BENCH_MODEL,
  BENCH_RESPONSES_MODEL,
  surfaceRequestBody,
} from "./workload.ts";

const MODEL_OF: Record<Surface, string> = {
  chat: BENCH_MODEL,
  responses: BENCH_RESPONSES_MODEL,
  gemini: BENCH_GEMINI_MODEL,
  messages: BENCH_MESSAGES_MODEL,
};

/** The `--surface=` argument of a benchmark's command line (chat when absent). */
export function surfaceArg(argv: string[]): Surface {
  const surface = (argv.find((a) => a.startsWith("--surface="))?.slice(10) ?? "chat") as Surface;
  if (!SURFACES.includes(surface)) throw new Error(`--surface takes ${SURFACES.join(", ")}`);
  return surface;
}

/** The request body: the small one (kb null) or an agent-shaped one of `kb` KB. */
export function surfaceBody(surface: Surface, kb: BodyKb | null, stream: boolean): string {
  return kb === null
    ? surfaceRequestBody({ surface, stream, model: MODEL_OF[surface] })
    : agentBody({ kb, stream, model: MODEL_OF[surface], surface });
}

/** The surface's route on the Tollgate whose chat completions URL is `chatUrl`. */
export function surfaceUrl(surface: Surface, chatUrl: string, stream: boolean): string {
  const origin = new URL(chatUrl).origin;
  if (surface === "responses") return `${origin}/v1/responses`;
  // Authorization: Bearer is accepted here too, and anthropic-version is optional.
  if (surface === "messages") return `${origin}/v1/messages`;
  if (surface === "gemini")
    return `${origin}/v1beta/models/${BENCH_GEMINI_MODEL}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
  return chatUrl;
}
