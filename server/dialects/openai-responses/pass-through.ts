import type { SurfaceCodec, UpstreamResult } from "../../core/codec.ts";
import { setTopLevelString } from "../../core/public-model.ts";
import type { CoreRequest } from "../../core/request.ts";
import { usageFromOpenAI } from "../../core/usage.ts";
import { type Json, objs, str } from "../../core/wire-json.ts";
import { coreCounter } from "../dialect-codec.ts";
import { failedEvent } from "./error.ts";
import { ResponsesTap } from "./tap.ts";

/** Text a Responses output generated, for counting when no usage came. */
export function outputText(response: Json | undefined): string {
  return objs(response?.output)
    .flatMap((item) => [
      ...objs(item.content).map((c) => str(c.text) ?? ""),
      str(item.arguments) ?? "",
      str(item.input) ?? "",
      ...objs(item.summary).map((s) => str(s.text) ?? ""),
    ])
    .join("");
}

/**
 * The Responses surface over an upstream speaking Responses: bytes pass through (the
 * `model` renamed to `publicModel`, the id the client asked for), usage is tapped.
 */
export function responsesPassThrough(core: () => CoreRequest, body: Json, publicModel: string): SurfaceCodec {
  return {
    countInput: coreCounter(core, body),
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      return {
        body: setTopLevelString(result.text, "model", publicModel),
        usage: usageFromOpenAI(result.body.usage),
        outputText: () => outputText(result.body),
      };
    },
    stream: () => new ResponsesTap(publicModel),
    streamError: failedEvent,
  };
}
