import type { Outcome, SurfaceDriver } from "./matrix.ts";
import { CALL_ARGS, TOOL_RESULT, WEATHER_TOOL } from "./matrix.ts";

const PROMPT = "What is the weather in Paris?";

const chat: SurfaceDriver = {
  name: "openai-chat",
  async run(tg, key, model, { stream, tools, toolResult }) {
    const client = tg.openai(key);
    const second = [
      {
        role: "assistant" as const,
        content: null,
        tool_calls: [
          {
            id: "call_w1",
            type: "function" as const,
            function: { name: WEATHER_TOOL.name, arguments: JSON.stringify(CALL_ARGS) },
          },
        ],
      },
      { role: "tool" as const, tool_call_id: "call_w1", content: TOOL_RESULT },
    ];
    const body = {
      model,
      messages: [{ role: "user" as const, content: PROMPT }, ...(toolResult ? second : [])],
      ...(tools ? { tools: [{ type: "function" as const, function: WEATHER_TOOL }] } : {}),
    };
    let text = "";
    let finish: string | null = null;
    const calls = new Map<number, { name: string; args: string }>();
    let usage = { input: 0, cached: 0, output: 0 };
    if (stream) {
      const s = await client.chat.completions.create({
        ...body,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of s) {
        const c = chunk.choices[0];
        if (c?.delta.content) text += c.delta.content;
        for (const tc of c?.delta.tool_calls ?? []) {
          const cur = calls.get(tc.index) ?? { name: "", args: "" };
          cur.name += tc.function?.name ?? "";
          cur.args += tc.function?.arguments ?? "";
          calls.set(tc.index, cur);
        }
        if (c?.finish_reason) finish = c.finish_reason;
        if (chunk.usage)
          usage = {
            input: chunk.usage.prompt_tokens,
            cached: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
            output: chunk.usage.completion_tokens,
          };
      }
    } else {
      const r = await client.chat.completions.create(body);
      const m = r.choices[0]?.message;
      text = m?.content ?? "";
      (m?.tool_calls ?? []).forEach((tc, i) => {
        if (tc.type === "function") calls.set(i, { name: tc.function.name, args: tc.function.arguments });
      });
      finish = r.choices[0]?.finish_reason ?? null;
      usage = {
        input: r.usage?.prompt_tokens ?? 0,
        cached: r.usage?.prompt_tokens_details?.cached_tokens ?? 0,
        output: r.usage?.completion_tokens ?? 0,
      };
    }
    return {
      text,
      calls: [...calls.values()].map((c) => ({ name: c.name, args: JSON.parse(c.args) })),
      stop: finish === "stop" || finish === "tool_calls" || finish === "length" ? finish : "other",
      usage,
    };
  },
};

const responses: SurfaceDriver = {
  name: "openai-responses",
  async run(tg, key, model, { stream, tools, toolResult }) {
    const client = tg.openai(key);
    const second = [
      { type: "message" as const, role: "user" as const, content: PROMPT },
      {
        type: "function_call" as const,
        call_id: "call_w1",
        name: WEATHER_TOOL.name,
        arguments: JSON.stringify(CALL_ARGS),
      },
      { type: "function_call_output" as const, call_id: "call_w1", output: TOOL_RESULT },
    ];
    const body = {
      model,
      instructions: "Be brief.",
      input: toolResult ? second : PROMPT,
      ...(tools ? { tools: [{ type: "function" as const, strict: false, ...WEATHER_TOOL }] } : {}),
    };
    const r = stream
      ? await client.responses.stream(body).finalResponse()
      : await client.responses.create(body);
    const calls = r.output.flatMap((o) =>
      o.type === "function_call" ? [{ name: o.name, args: JSON.parse(o.arguments) }] : [],
    );
    return {
      text: r.output_text,
      calls,
      stop:
        r.status === "incomplete"
          ? "length"
          : r.status === "completed"
            ? calls.length
              ? "tool_calls"
              : "stop"
            : "other",
      usage: {
        input: r.usage?.input_tokens ?? 0,
        cached: r.usage?.input_tokens_details.cached_tokens ?? 0,
        output: r.usage?.output_tokens ?? 0,
      },
    } satisfies Outcome;
  },
};

const STOP_ANTHROPIC: Record<string, Outcome["stop"]> = {
  end_turn: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
};

const messages: SurfaceDriver = {
  name: "anthropic-messages",
  async run(tg, key, model, { stream, tools, toolResult }) {
    const client = tg.anthropic(key);
    const second = [
      {
        role: "assistant" as const,
        content: [{ type: "tool_use" as const, id: "toolu_w1", name: WEATHER_TOOL.name, input: CALL_ARGS }],
      },
      {
        role: "user" as const,
        content: [{ type: "tool_result" as const, tool_use_id: "toolu_w1", content: TOOL_RESULT }],
      },
    ];
    const body = {
      model,
      max_tokens: 200,
      system: "Be brief.",
      messages: [{ role: "user" as const, content: PROMPT }, ...(toolResult ? second : [])],
      ...(tools
        ? {
            tools: [
              {
                name: WEATHER_TOOL.name,
                description: WEATHER_TOOL.description,
                input_schema: WEATHER_TOOL.parameters as { type: "object" },
              },
            ],
          }
        : {}),
    };
    const m = stream ? await client.messages.stream(body).finalMessage() : await client.messages.create(body);
    const text = m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
    const calls = m.content.flatMap((b) => (b.type === "tool_use" ? [{ name: b.name, args: b.input }] : []));
    const cached = m.usage.cache_read_input_tokens ?? 0;
    return {
      text,
      calls,
      stop: STOP_ANTHROPIC[m.stop_reason ?? ""] ?? "other",
      usage: {
        input: m.usage.input_tokens + cached + (m.usage.cache_creation_input_tokens ?? 0),
        cached,
        output: m.usage.output_tokens,
      },
    };
  },
};

const gemini: SurfaceDriver = {
  name: "gemini",
  async run(tg, key, model, { stream, tools, toolResult }) {
    const client = tg.gemini(key);
    const second = [
      { role: "model", parts: [{ functionCall: { name: WEATHER_TOOL.name, args: CALL_ARGS } }] },
      {
        role: "user",
        parts: [{ functionResponse: { name: WEATHER_TOOL.name, response: { output: TOOL_RESULT } } }],
      },
    ];
    const params = {
      model,
      contents: [{ role: "user", parts: [{ text: PROMPT }] }, ...(toolResult ? second : [])],
      config: {
        systemInstruction: "Be brief.",
        ...(tools
          ? {
              tools: [
                {
                  functionDeclarations: [
                    {
                      name: WEATHER_TOOL.name,
                      description: WEATHER_TOOL.description,
                      parametersJsonSchema: WEATHER_TOOL.parameters,
                    },
                  ],
                },
              ],
            }
          : {}),
      },
    };
    let text = "";
    const calls: Outcome["calls"] = [];
    let finish: string | undefined;
    let meta:
      | { promptTokenCount?: number; cachedContentTokenCount?: number; candidatesTokenCount?: number }
      | undefined;
    const take = (r: Awaited<ReturnType<typeof client.models.generateContent>>) => {
      for (const p of r.candidates?.[0]?.content?.parts ?? []) {
        if (p.text && !p.thought) text += p.text;
        if (p.functionCall) calls.push({ name: p.functionCall.name ?? "", args: p.functionCall.args });
      }
      finish = r.candidates?.[0]?.finishReason ?? finish;
      meta = r.usageMetadata ?? meta;
    };
    if (stream) for await (const chunk of await client.models.generateContentStream(params)) take(chunk);
    else take(await client.models.generateContent(params));
    return {
      text,
      calls,
      stop:
        finish === "STOP"
          ? calls.length
            ? "tool_calls"
            : "stop"
          : finish === "MAX_TOKENS"
            ? "length"
            : "other",
      usage: {
        input: meta?.promptTokenCount ?? 0,
        cached: meta?.cachedContentTokenCount ?? 0,
        output: meta?.candidatesTokenCount ?? 0,
      },
    };
  },
};

export const SURFACES: SurfaceDriver[] = [chat, responses, messages, gemini];
