import { PROVIDER_SECRET, TestGateway } from "./harness.ts";
import { MockAnthropic } from "./mock-anthropic.ts";
import { MockGemini } from "./mock-gemini.ts";
import { MockGigaChatUpstream } from "./mock-gigachat-upstream.ts";
import { MockOpenAI } from "./mock-openai.ts";
import type { MockUpstream } from "./mock-upstream.ts";
import { MockYandexUpstream } from "./mock-yandex-upstream.ts";

/**
 * The cross-dialect matrix: every inbound surface (driven by its official SDK) against
 * every provider kind (a mock speaking that vendor's wire format). Adding a provider
 * kind is one entry in PROVIDERS; adding a surface is one driver in SURFACES.
 */
export type ProviderEntry = {
  kind: string;
  /** A started mock of the vendor's API. */
  mock(): MockUpstream;
  /** Extra provider config lines (options...), indented under the provider; given the mock's URL. */
  extra?: string | ((url: string) => string);
  /** false when the vendor reports no cached prompt tokens (Yandex): all input is fresh. */
  reportsCached?: boolean;
  /** The header that must carry the provider's secret upstream. */
  authHeader: string;
  /** Reads the last tool call and its result from an upstream request body, in this vendor's format. */
  toolTurn(body: Record<string, unknown>): ToolTurn;
};

/** A tool call and its result as an upstream received them; `linked` when the result names the call. */
export type ToolTurn = { name: string; args: unknown; result: string; linked: boolean };

type J = Record<string, unknown>;
const list = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v ?? ""));

function openaiTurn(body: J): ToolTurn {
  const msgs = list(body.messages);
  const call = list(msgs.find((m) => m.role === "assistant" && m.tool_calls)?.tool_calls)[0] ?? {};
  const fn = (call.function ?? {}) as J;
  const res = msgs.find((m) => m.role === "tool") ?? {};
  return {
    name: String(fn.name),
    args: JSON.parse(String(fn.arguments ?? "null")),
    result: text(res.content),
    linked: call.id !== undefined && call.id === res.tool_call_id,
  };
}

function anthropicTurn(body: J): ToolTurn {
  const blocks = list(body.messages).flatMap((m) => list(m.content));
  const use = blocks.find((b) => b.type === "tool_use") ?? {};
  const res = blocks.find((b) => b.type === "tool_result") ?? {};
  return {
    name: String(use.name),
    args: use.input,
    result: text(res.content),
    linked: use.id !== undefined && use.id === res.tool_use_id,
  };
}

function geminiTurn(body: J): ToolTurn {
  const parts = list(body.contents).flatMap((c) => list(c.parts));
  const call = (parts.find((p) => p.functionCall)?.functionCall ?? {}) as J;
  const res = (parts.find((p) => p.functionResponse)?.functionResponse ?? {}) as J;
  return {
    name: String(call.name),
    args: call.args,
    result: text(res.response),
    linked: call.name !== undefined && call.name === res.name,
  };
}

/** GigaChat: one call per assistant message, its result a `function` message naming it. */
function gigachatTurn(body: J): ToolTurn {
  const msgs = list(body.messages);
  const call = (msgs.find((m) => m.function_call)?.function_call ?? {}) as J;
  const res = msgs.find((m) => m.role === "function") ?? {};
  return {
    name: String(call.name),
    args: call.arguments,
    result: text(res.content),
    linked: call.name !== undefined && call.name === res.name,
  };
}

/** Yandex: toolCallList, then the results in an assistant message's toolResultList, named by function. */
function yandexTurn(body: J): ToolTurn {
  const msgs = list(body.messages);
  const calls = list((msgs.find((m) => m.toolCallList)?.toolCallList as J | undefined)?.toolCalls);
  const call = (calls[0]?.functionCall ?? {}) as J;
  const results = list((msgs.find((m) => m.toolResultList)?.toolResultList as J | undefined)?.toolResults);
  const res = (results[0]?.functionResult ?? {}) as J;
  return {
    name: String(call.name),
    args: call.arguments,
    result: text(res.content),
    linked: call.name !== undefined && call.name === res.name,
  };
}

export const PROVIDERS: ProviderEntry[] = [
  { kind: "openai", mock: () => new MockOpenAI().start(), authHeader: "authorization", toolTurn: openaiTurn },
  {
    kind: "anthropic",
    mock: () => new MockAnthropic().start(),
    authHeader: "x-api-key",
    toolTurn: anthropicTurn,
  },
  {
    kind: "gemini",
    mock: () => new MockGemini().start(),
    authHeader: "x-goog-api-key",
    toolTurn: geminiTurn,
  },
  {
    kind: "gigachat",
    mock: () => new MockGigaChatUpstream().start(),
    // The token the gateway fetched with the authorization key (the mock's token names that key).
    extra: (url) => `    options: { auth_url: "${url.replace(/\/api\/v1$/, "/api/v2/oauth")}" }\n`,
    authHeader: "authorization",
    toolTurn: gigachatTurn,
  },
  {
    kind: "yandex",
    mock: () => new MockYandexUpstream().start(),
    extra: "    options: { folder_id: b1gmatrixfolder }\n",
    authHeader: "authorization",
    reportsCached: false,
    toolTurn: yandexTurn,
  },
];

/** Providers p-<kind>, models m-<kind> (upstream id up-<kind>), all at the same prices. */
export function matrixConfig(
  mocks: { entry: ProviderEntry; url: string }[],
  secret: string,
  extraModels = "",
): string {
  const providers = mocks
    .map(
      ({ entry, url }) => `  - id: p-${entry.kind}
    kind: ${entry.kind}
    base_url: ${url}
    api_key: ${secret}
    timeouts: { connect_ms: 2000, first_byte_ms: 5000, total_ms: 15000 }
${typeof entry.extra === "function" ? entry.extra(url) : (entry.extra ?? "")}`,
    )
    .join("\n");
  const models = mocks
    .map(
      ({ entry }) => `  - id: m-${entry.kind}
    routes: [{ provider: p-${entry.kind}, model: up-${entry.kind} }]
    prices: { input: 1, cached_input: 0.5, output: 2 }
    max_output_tokens: 500`,
    )
    .join("\n");
  return `
currency: USD
defaults:
  rate_limits: { key_rpm: 10000 }
  max_output_tokens: 500
providers:
${providers}
models:
${models}
${extraModels}`;
}

/** What a surface's answer said, in dialect-neutral terms. */
export type Outcome = {
  text: string;
  calls: { name: string; args: unknown }[];
  stop: "stop" | "tool_calls" | "length" | "other";
  /** Usage as the client saw it: prompt tokens (cache reads included), cache reads, output. */
  usage: { input: number; cached: number; output: number };
};

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city"],
  },
};

/** The second turn of a tool loop: the call the model made and what the tool returned. */
export const TOOL_RESULT = "18C and sunny";
export const CALL_ARGS = { city: "Paris" };

export type SurfaceDriver = {
  name: string;
  /** `toolResult`: send the conversation's second turn (the call and the tool's result). */
  run(
    tg: TestGateway,
    key: string,
    model: string,
    opts: { stream: boolean; tools: boolean; toolResult?: boolean },
  ): Promise<Outcome>;
};

/** A gateway with one provider of every kind (each a started mock) and models m-<kind>. */
export async function startMatrix(
  extraModels = "",
  providerExtra: Record<string, string> = {},
): Promise<{
  tg: TestGateway;
  mocks: Map<string, MockUpstream>;
  stop(): Promise<void>;
}> {
  const mocks = new Map<string, MockUpstream>();
  for (const p of PROVIDERS) mocks.set(p.kind, p.mock());
  const tg = await TestGateway.start({
    config: matrixConfig(
      PROVIDERS.map((entry) => ({
        entry: providerExtra[entry.kind] ? { ...entry, extra: providerExtra[entry.kind] } : entry,
        url: mocks.get(entry.kind)!.url,
      })),
      PROVIDER_SECRET,
      extraModels,
    ),
  });
  return {
    tg,
    mocks,
    async stop() {
      await tg.stop();
      for (const m of mocks.values()) m.stop();
    },
  };
}
