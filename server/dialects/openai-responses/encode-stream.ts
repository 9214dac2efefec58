import type { StopReason } from "../../core/response.ts";
import type { CoreStreamEvent } from "../../core/stream.ts";
import type { StreamEncodeContext, SurfaceStreamEncoder } from "../../core/translate.ts";
import type { Usage } from "../../core/usage.ts";
import type { Json } from "../../core/wire-json.ts";
import {
  callItem,
  completion,
  itemId,
  messageItem,
  reasoningItem,
  responseObject,
} from "./encode-response.ts";
import type { ResponsesTools } from "./tools.ts";

type Open =
  | { kind: "message"; index: number; id: string; text: string }
  | { kind: "reasoning"; index: number; id: string; text: string; signature?: string }
  | { kind: "call"; index: number; id: string; callId: string; name: string; args: string; custom: boolean };

/**
 * Canonical events -> Responses API events: response.created, one output item at a time
 * (output_item.added, its deltas, .done events, output_item.done), then
 * response.completed (or response.incomplete) with the output and the billed usage,
 * sent after the charge committed. Every event carries a sequence_number.
 */
export function responsesStreamEncoder(
  ctx: StreamEncodeContext,
  tools: ResponsesTools,
): SurfaceStreamEncoder {
  let seq = 0;
  let id = itemId("resp");
  let created = Math.floor(Date.now() / 1000);
  let started = false;
  let open: Open | null = null;
  let reason: StopReason = "stop";
  const output: Json[] = [];
  const calls = new Map<number, Extract<Open, { kind: "call" }>>();

  const ev = (type: string, data: Json) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const snapshot = (status: string, usage: Usage | null, incomplete: Json | null = null) =>
    responseObject({ id, created, model: ctx.publicModel, status, incomplete, output, usage });
  const start = () => {
    if (started) return "";
    started = true;
    const r = snapshot("in_progress", null);
    return ev("response.created", { response: r }) + ev("response.in_progress", { response: r });
  };
  const close = (): string => {
    const o = open;
    if (!o) return "";
    open = null;
    let out = "";
    let item: Json;
    if (o.kind === "message") {
      const part = { type: "output_text", text: o.text, annotations: [], logprobs: [] };
      out += ev("response.output_text.done", {
        item_id: o.id,
        output_index: o.index,
        content_index: 0,
        text: o.text,
        logprobs: [],
      });
      out += ev("response.content_part.done", {
        item_id: o.id,
        output_index: o.index,
        content_index: 0,
        part,
      });
      item = messageItem(o.id, o.text);
    } else if (o.kind === "reasoning") {
      if (o.text) {
        out += ev("response.reasoning_summary_text.done", {
          item_id: o.id,
          output_index: o.index,
          summary_index: 0,
          text: o.text,
        });
        out += ev("response.reasoning_summary_part.done", {
          item_id: o.id,
          output_index: o.index,
          summary_index: 0,
          part: { type: "summary_text", text: o.text },
        });
      }
      item = reasoningItem(o.id, o.text, o.signature);
    } else {
      item = callItem(tools, o.id, o.callId, o.name, o.args);
      if (o.custom) {
        const input = String(item.input ?? "");
        out += ev("response.custom_tool_call_input.delta", {
          item_id: o.id,
          output_index: o.index,
          delta: input,
        });
        out += ev("response.custom_tool_call_input.done", { item_id: o.id, output_index: o.index, input });
      } else
        out += ev("response.function_call_arguments.done", {
          item_id: o.id,
          output_index: o.index,
          arguments: o.args,
        });
    }
    output[o.index] = item;
    return out + ev("response.output_item.done", { output_index: o.index, item });
  };
  const openItem = (o: Open, item: Json) => {
    const out = start() + close();
    open = o;
    output[o.index] = item;
    return out + ev("response.output_item.added", { output_index: o.index, item });
  };

  return {
    push(e: CoreStreamEvent): string {
      switch (e.type) {
        case "start":
          if (!started && e.id.startsWith("resp_")) id = e.id;
          created = e.created;
          return start();
        case "text_delta": {
          let out = "";
          if (open?.kind !== "message") {
            const o: Open = { kind: "message", index: output.length, id: itemId("msg"), text: "" };
            out += openItem(o, {
              type: "message",
              id: o.id,
              status: "in_progress",
              role: "assistant",
              content: [],
            });
            out += ev("response.content_part.added", {
              item_id: o.id,
              output_index: o.index,
              content_index: 0,
              part: { type: "output_text", text: "", annotations: [], logprobs: [] },
            });
          }
          const o = open as unknown as Extract<Open, { kind: "message" }>;
          o.text += e.text;
          return (
            out +
            ev("response.output_text.delta", {
              item_id: o.id,
              output_index: o.index,
              content_index: 0,
              delta: e.text,
              logprobs: [],
            })
          );
        }
        case "thinking_delta": {
          let out = "";
          if (open?.kind !== "reasoning") {
            const o: Open = { kind: "reasoning", index: output.length, id: itemId("rs"), text: "" };
            out += openItem(o, { type: "reasoning", id: o.id, summary: [] });
          }
          const o = open as unknown as Extract<Open, { kind: "reasoning" }>;
          if (e.signature) o.signature = (o.signature ?? "") + e.signature;
          if (!e.text) return out;
          if (!o.text)
            out += ev("response.reasoning_summary_part.added", {
              item_id: o.id,
              output_index: o.index,
              summary_index: 0,
              part: { type: "summary_text", text: "" },
            });
          o.text += e.text;
          return (
            out +
            ev("response.reasoning_summary_text.delta", {
              item_id: o.id,
              output_index: o.index,
              summary_index: 0,
              delta: e.text,
            })
          );
        }
        case "tool_call_start": {
          const custom = tools.kindOf(e.name).kind === "custom";
          const o: Extract<Open, { kind: "call" }> = {
            kind: "call",
            index: output.length,
            id: itemId(custom ? "ctc" : "fc"),
            callId: e.id,
            name: e.name,
            args: "",
            custom,
          };
          calls.set(e.index, o);
          const added = callItem(tools, o.id, o.callId, o.name, "");
          return openItem(
            o,
            custom ? { ...added, input: "", status: "in_progress" } : { ...added, status: "in_progress" },
          );
        }
        case "tool_call_delta": {
          const o = calls.get(e.index);
          if (!o) return "";
          o.args += e.arguments;
          if (o.custom) return "";
          return ev("response.function_call_arguments.delta", {
            item_id: o.id,
            output_index: o.index,
            delta: e.arguments,
          });
        }
        case "image": {
          const item = {
            type: "image_generation_call",
            id: itemId("ig"),
            status: "completed",
            result: e.data,
          };
          const index = output.length;
          const out = start() + close();
          output[index] = item;
          return (
            out +
            ev("response.output_item.added", { output_index: index, item }) +
            ev("response.output_item.done", { output_index: index, item })
          );
        }
        case "stop":
          reason = e.reason;
          return start() + close();
        default:
          return "";
      }
    },
    finish(usage: Usage): string {
      const c = completion(reason);
      const out = start() + close();
      const type = c.status === "completed" ? "response.completed" : "response.incomplete";
      return out + ev(type, { response: snapshot(c.status, usage, c.incomplete_details) });
    },
  };
}
