import type { CoreResponse } from "../../core/response.ts";
import type { Usage } from "../../core/usage.ts";
import { argsObject, type Json, str } from "../../core/wire-json.ts";
import { SIGNATURE_PREFIX } from "./decode-request.ts";
import type { ResponsesTools } from "./tools.ts";

export const itemId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;

export function responsesUsage(u: Usage): Json {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** Status and incomplete_details of a finished answer. */
export function completion(stop: CoreResponse["stopReason"]): {
  status: string;
  incomplete_details: Json | null;
} {
  if (stop === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (stop === "content_filter")
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The response object around `output` (what response.created and response.completed carry). */
export function responseObject(f: {
  id: string;
  created: number;
  model: string;
  status: string;
  incomplete: Json | null;
  output: Json[];
  usage: Usage | null;
}): Json {
  return {
    id: f.id,
    object: "response",
    created_at: f.created,
    status: f.status,
    error: null,
    incomplete_details: f.incomplete,
    instructions: null,
    max_output_tokens: null,
    model: f.model,
    output: f.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    usage: f.usage ? responsesUsage(f.usage) : null,
    metadata: {},
  };
}

/** A finished tool call as the output item its tool kind calls for. */
export function callItem(
  tools: ResponsesTools,
  id: string,
  callId: string,
  name: string,
  args: string,
): Json {
  const k = tools.kindOf(name);
  if (k.kind === "custom")
    return {
      type: "custom_tool_call",
      id,
      call_id: callId,
      name: k.name,
      input: str(argsObject(args).input) ?? args,
      status: "completed",
    };
  return {
    type: "function_call",
    id,
    call_id: callId,
    name: k.name,
    ...(k.namespace ? { namespace: k.namespace } : {}),
    arguments: args,
    status: "completed",
  };
}

export function reasoningItem(id: string, text: string, signature: string | undefined): Json {
  return {
    type: "reasoning",
    id,
    summary: text ? [{ type: "summary_text", text }] : [],
    ...(signature ? { encrypted_content: `${SIGNATURE_PREFIX}${signature}` } : {}),
  };
}

export function messageItem(id: string, text: string, status = "completed"): Json {
  return {
    type: "message",
    id,
    status,
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
}

/** Canonical answer -> Responses API response object. */
export function encodeResponsesResponse(
  res: CoreResponse,
  ctx: { publicModel: string },
  tools: ResponsesTools,
): Json {
  const output: Json[] = [];
  let text = "";
  const flushText = () => {
    if (text) output.push(messageItem(itemId("msg"), text));
    text = "";
  };
  for (const p of res.content) {
    if (p.type === "text") text += p.text;
    else if (p.type === "thinking") {
      flushText();
      output.push(reasoningItem(itemId("rs"), p.text, p.signature));
    } else if (p.type === "tool_call") {
      flushText();
      output.push(callItem(tools, itemId("fc"), p.id, p.name, p.arguments));
    } else if (p.source.kind === "base64") {
      flushText();
      output.push({
        type: "image_generation_call",
        id: itemId("ig"),
        status: "completed",
        result: p.source.data,
      });
    }
  }
  flushText();
  const c = completion(res.stopReason);
  return responseObject({
    id: res.id.startsWith("resp_") ? res.id : itemId("resp"),
    created: res.created,
    model: ctx.publicModel,
    status: c.status,
    incomplete: c.incomplete_details,
    output,
    usage: res.usage,
  });
}
