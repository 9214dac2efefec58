import { type Usage, usageFromOpenAI } from "../../core/usage.ts";
import { obj, parseObject, str } from "../../core/wire-json.ts";
import { sseBytes } from "../../sse/encoder.ts";
import type { SseEvent } from "../../sse/parser.ts";
import { DeltaChunks, type Keeper } from "../kept-items.ts";
import { MeteredTap } from "../metered-tap.ts";
import { responsesStreamError } from "./error.ts";

const TERMINAL = new Set(["response.completed", "response.incomplete"]);

/** How OpenAI opens every streamed event's JSON: its type first. */
const TYPE = '{"type":"';

/**
 * What was generated, in order, is kept as strings: the unparsed JSON of a `.delta` event
 * (it starts with `{`; parsed only if no usage came and the output must be counted), or a
 * piece of text behind TEXT.
 */
const TEXT = "t";

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
    // Most events are deltas of generated content: forwarded, kept, not parsed. Taken by
    // their type, which OpenAI writes first; the markers are exact (inside a JSON string
    // every quote is escaped, so `"error"` or `"response"` can only be a key or a whole
    // string): an event that has one, or is spelled otherwise, takes the parsing path.
    if (isPlainDelta(upstream)) {
      this.keep(upstream.data);
      this.sawOutput = true;
      return sseBytes(upstream);
    }
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
      if (delta) this.keep(TEXT + delta);
      this.sawOutput = true;
    }
    return sseBytes(ev);
  }

  protected override keeper(): Keeper {
    return new DeltaChunks();
  }

  protected override textOf(pieces: readonly string[]): string {
    return pieces
      .map((p) => (p.startsWith(TEXT) ? p.slice(TEXT.length) : (str(parseObject(p)?.delta) ?? "")))
      .join("");
  }

  finish(_usage: Usage): Uint8Array {
    return this.held ? sseBytes(this.held) : new Uint8Array();
  }
}

/** A `.delta` event, named so by its data's type and its event line, that carries nothing else to read. */
function isPlainDelta(ev: SseEvent): boolean {
  const data = ev.data;
  if (!data.startsWith(TYPE)) return false;
  const end = data.indexOf('"', TYPE.length);
  return (
    end !== -1 &&
    data.startsWith('.delta"', end - 6) &&
    (ev.event === undefined || ev.event === data.slice(TYPE.length, end)) &&
    !data.includes('"error"') &&
    !data.includes('"response"')
  );
}
