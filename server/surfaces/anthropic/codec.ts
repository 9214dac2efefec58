import type { SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import type { CoreRequest } from "../../core/request.ts";
import { fullUsageFromAnthropic } from "../../core/usage.ts";
import { type Json, obj, objs, str } from "../../core/wire-json.ts";
import { coreCounter } from "../../dialects/dialect-codec.ts";
import { anthropicStreamErrorBytes } from "./error.ts";
import type { MessagesRequest } from "./schema.ts";
import { AnthropicTap } from "./tap.ts";

/**
 * An upper bound of the prompt's tokens from the body's byte length (a token is at least
 * a byte), with each image's payload replaced by a per-image bound.
 */
export function messagesInputBound(bodyBytes: number, req: MessagesRequest, imageBound: number): number {
  let bound = bodyBytes;
  const visit = (blocks: Json[]) => {
    for (const b of blocks) {
      if (b.type === "image" || b.type === "document") {
        const s = obj(b.source) ?? {};
        bound -= (str(s.data) ?? str(s.url) ?? "").length;
        bound += imageBound;
      } else if (b.type === "tool_result") visit(objs(b.content));
    }
  };
  for (const m of req.messages) visit(objs(m.content));
  return Math.max(bound, 1);
}

function messageText(body: Json): string {
  return objs(body.content)
    .map(
      (b) =>
        str(b.text) ??
        str(b.thinking) ??
        (b.type === "tool_use" ? `${str(b.name)}${JSON.stringify(b.input)}` : ""),
    )
    .join("");
}

/**
 * The Messages surface over an Anthropic upstream: bytes pass through (the `model` renamed
 * to `publicModel`, the id the client asked for), usage is tapped.
 */
export function anthropicPassThrough(core: () => CoreRequest, body: Json, publicModel: string): SurfaceCodec {
  return {
    countInput: coreCounter(core, body),
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      const usage = fullUsageFromAnthropic(result.body.usage);
      const text = setTopLevelString(result.text, "model", publicModel);
      return { body: text, usage, outputText: () => messageText(result.body) };
    },
    stream: () => new AnthropicTap(publicModel),
    streamError: anthropicStreamErrorBytes,
  };
}
