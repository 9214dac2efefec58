import { upstreamError, upstreamInvalid } from "./errors.ts";
import { UpstreamExchange } from "./http.ts";
import type { ChatCall, Provider, UpstreamResult } from "./provider.ts";

/**
 * Any OpenAI-compatible base URL (OpenAI, Qwen compatible mode, DeepSeek, vLLM, Ollama,
 * OpenRouter...). A vendor is configuration: base_url, key, extra headers, timeouts.
 * The client's body is forwarded untouched but for the model id, the usage request on
 * streams (the gateway always needs usage) and a lowered max_tokens.
 */
export const openaiProvider = {
  kind: "openai",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const { provider, model } = call.target;
    if (call.inbound.dialect !== "openai-chat") {
      throw new Error(`openai provider cannot take ${call.inbound.dialect} yet`);
    }
    const body: Record<string, unknown> = { ...call.inbound.body, model };
    if (call.stream) {
      const opts =
        typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
      body.stream = true;
      body.stream_options = { ...opts, include_usage: true };
    }
    if (call.maxTokens !== null) {
      if ("max_completion_tokens" in body) body.max_completion_tokens = call.maxTokens;
      else body.max_tokens = call.maxTokens;
    }

    const ex = new UpstreamExchange(provider.timeouts, call.signal, call.stream);
    const headers: Record<string, string> = {
      ...provider.headers,
      "content-type": "application/json",
      accept: call.stream ? "text/event-stream" : "application/json",
      "x-request-id": call.requestId,
    };
    if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
    const url = `${provider.baseUrl.replace(/\/+$/, "")}/chat/completions`;

    let ok = false;
    try {
      const res = await ex.send(url, { method: "POST", headers, body: JSON.stringify(body) });
      if (!res.ok) throw upstreamError(res.status, await ex.text(res), res.headers, [provider.apiKey]);
      const type = res.headers.get("content-type") ?? "";
      if (call.stream && type.includes("text/event-stream")) {
        ok = true;
        return { kind: "stream", dialect: "openai-chat", events: ex.events(res), headers: res.headers };
      }
      const text = await ex.text(res);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw upstreamInvalid("not JSON");
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw upstreamInvalid("not a JSON object");
      if (call.stream) throw upstreamInvalid("a JSON body where a stream was expected");
      return {
        kind: "json",
        dialect: "openai-chat",
        body: parsed as Record<string, unknown>,
        text,
        headers: res.headers,
      };
    } finally {
      if (!ok) ex.close();
    }
  },
} satisfies Provider;
