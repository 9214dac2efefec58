import type { MockBehavior, Plan } from "./mock-upstream.ts";

/**
 * The OpenAI Responses API as the mock speaks it (`POST /v1/responses`), written from the
 * API reference independently of the gateway's own encoder: output items, usage with
 * input_tokens_details, and the streamed event sequence ending in response.completed.
 */
function output(p: Plan) {
  if (p.toolCalls.length)
    return p.toolCalls.map((t, i) => ({
      type: "function_call",
      id: `fc_mock_${i}`,
      call_id: `call_${i}`,
      name: t.name,
      arguments: t.arguments,
      status: "completed",
    }));
  return [
    {
      type: "message",
      id: "msg_mock",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: p.text, annotations: [] }],
    },
  ];
}

function response(p: Plan, b: MockBehavior, model: string, status: string, out: unknown[]) {
  return {
    id: `resp_mock_${p.n}`,
    object: "response",
    created_at: 1_700_000_000,
    status,
    model,
    output: out,
    usage:
      b.omitUsage || status !== "completed"
        ? null
        : {
            input_tokens: p.prompt,
            input_tokens_details: { cached_tokens: p.cached },
            output_tokens: p.completion,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: p.prompt + p.completion,
          },
  };
}

export function responsesJson(p: Plan, b: MockBehavior, body: Record<string, unknown>) {
  return response(p, b, String(body.model), "completed", output(p));
}

export function responsesEvents(p: Plan, b: MockBehavior, body: Record<string, unknown>) {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const model = String(body.model);
  const events = [ev("response.created", { response: response(p, b, model, "in_progress", []) })];
  const items = output(p);
  items.forEach((item, i) => {
    if ("arguments" in item) {
      events.push(ev("response.output_item.added", { output_index: i, item: { ...item, arguments: "" } }));
      events.push(
        ev("response.function_call_arguments.delta", {
          item_id: item.id,
          output_index: i,
          delta: item.arguments,
        }),
      );
    } else {
      events.push(ev("response.output_item.added", { output_index: i, item: { ...item, content: [] } }));
      for (const piece of p.pieces)
        events.push(
          ev("response.output_text.delta", {
            item_id: item.id,
            output_index: i,
            content_index: 0,
            delta: piece,
          }),
        );
    }
    events.push(ev("response.output_item.done", { output_index: i, item }));
  });
  if (!b.omitDone)
    events.push(ev("response.completed", { response: response(p, b, model, "completed", items) }));
  return { events, contentChunks: 1 + (p.toolCalls.length ? p.toolCalls.length * 2 : p.pieces.length + 1) };
}
