import { type Usage, usageFromOpenAI } from "../../core/usage.ts";
import { obj, parseObject, str } from "../../core/wire-json.ts";
import { sseBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { MeteredTap } from "../metered-tap.ts";
import { responsesStreamError } from "./error.ts";

const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/**
 * Responses stream in, Responses stream out (an OpenAI upstream with the Responses API):
 * events are forwarded as they came (those carrying the response object, a few per
 * stream, with its model renamed to the id the client asked for), usage is tapped from
 * the terminal event, which is held back and sent after the charge committed.
 */
export class ResponsesTap extends MeteredTap {
  private held: SseEvent | null = null;

  constructor(private readonly publicModel: string) {
    super();
  }

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
      this.failed = responsesStreamError(d);
      return null;
    }
    if (TERMINAL.has(type)) {
      this.report(usageFromOpenAI(obj(d?.response)?.usage));
      this.ended = true;
      this.held = ev;
      return null;
    }
    if (type.endsWith(".delta")) {
      const delta = str(d?.delta);
      if (delta) this.keep(delta);
      this.sawOutput = true;
    }
    return sseBytes(ev);
  }

  finish(_usage: Usage): Uint8Array {
    return this.held ? sseBytes(this.held) : new Uint8Array();
  }
}
