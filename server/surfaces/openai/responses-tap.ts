import { setTopLevelString } from "../../core/public-model.ts";
import { streamUsage, type Usage, usageFromOpenAI } from "../../core/usage.ts";
import { type Json, obj, objs, parseObject, str } from "../../core/wire-json.ts";
import { GatewayError } from "../../errors.ts";
import type { StreamTap, SurfaceCodec } from "../../gateway/codec.ts";
import { streamedMessage } from "../../providers/errors.ts";
import type { UpstreamResult } from "../../providers/provider.ts";
import { sseBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { countText } from "../../tokens/count.ts";

const TERMINAL = new Set(["response.completed", "response.incomplete"]);

function failure(d: Json | undefined): GatewayError {
  const e = obj(obj(d?.response)?.error) ?? d ?? {};
  const message = str(e.message) ?? "The upstream provider reported an error in the stream.";
  return new GatewayError("upstream", streamedMessage(message), { code: "upstream_stream_error" });
}

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
 * Responses stream in, Responses stream out (an OpenAI upstream with the Responses API):
 * events are forwarded as they came (those carrying the response object, a few per
 * stream, with its model renamed to the id the client asked for), usage is tapped from
 * the terminal event, which is held back and sent after the charge committed.
 */
export class ResponsesTap implements StreamTap {
  ended = false;
  failed: GatewayError | null = null;
  sawOutput = false;
  private snapshot: Partial<Usage> = {};
  private readonly text: string[] = [];
  private held: SseEvent | null = null;

  constructor(private readonly publicModel: string) {}

  push(upstream: SseEvent): Uint8Array | null {
    const d = parseObject(upstream.data);
    const type = str(d?.type) ?? upstream.event ?? "";
    const response = obj(d?.response);
    let ev = upstream;
    if (response && typeof response.model === "string" && response.model !== this.publicModel) {
      response.model = this.publicModel;
      ev = { ...upstream, data: JSON.stringify(d) };
    }
    if (type === "response.failed" || type === "error") {
      this.failed = failure(d);
      return null;
    }
    if (TERMINAL.has(type)) {
      this.snapshot = usageFromOpenAI(obj(d?.response)?.usage) ?? this.snapshot;
      this.ended = true;
      this.held = ev;
      return null;
    }
    if (type.endsWith(".delta")) {
      const delta = str(d?.delta);
      if (delta) this.text.push(delta);
      this.sawOutput = true;
    }
    return sseBytes(ev);
  }

  endOfInput(): void {}

  usage(): Usage | null {
    return streamUsage(this.snapshot, this.ended, () => countText(this.outputText()));
  }

  outputText(): string {
    return this.text.join("");
  }

  finish(_usage: Usage): Uint8Array {
    return this.held ? sseBytes(this.held) : new Uint8Array();
  }
}

/**
 * The Responses surface over an upstream speaking Responses: bytes pass through (the
 * `model` renamed to `publicModel`, the id the client asked for), usage is tapped.
 */
export function responsesPassThrough(
  countInput: (perImage?: number) => number,
  streamError: (err: GatewayError) => Uint8Array,
  publicModel: string,
): SurfaceCodec {
  return {
    countInput,
    json(result: Extract<UpstreamResult, { kind: "json" }>) {
      return {
        body: setTopLevelString(result.text, "model", publicModel),
        usage: usageFromOpenAI(result.body.usage),
        outputText: () => outputText(result.body),
      };
    },
    stream: () => new ResponsesTap(publicModel),
    streamError,
  };
}
