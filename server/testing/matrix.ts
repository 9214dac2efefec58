import type { TestGateway } from "./harness.ts";
import { MockAnthropic } from "./mock-anthropic.ts";
import { MockGemini } from "./mock-gemini.ts";
import { MockOpenAI } from "./mock-openai.ts";
import type { MockUpstream } from "./mock-upstream.ts";

/**
 * The cross-dialect matrix: every inbound surface (driven by its official SDK) against
 * every provider kind (a mock speaking that vendor's wire format). Adding a provider
 * kind is one entry in PROVIDERS; adding a surface is one driver in SURFACES.
 */
export type ProviderEntry = {
  kind: string;
  /** A started mock of the vendor's API. */
  mock(): MockUpstream;
  /** Extra provider config lines (options...), indented under the provider. */
  extra?: string;
  /** The header that must carry the provider's secret upstream. */
  authHeader: string;
};

export const PROVIDERS: ProviderEntry[] = [
  { kind: "openai", mock: () => new MockOpenAI().start(), authHeader: "authorization" },
  { kind: "anthropic", mock: () => new MockAnthropic().start(), authHeader: "x-api-key" },
  { kind: "gemini", mock: () => new MockGemini().start(), authHeader: "x-goog-api-key" },
];

/** Providers p-<kind>, models m-<kind> (upstream id up-<kind>), all at the same prices. */
export function matrixConfig(mocks: { entry: ProviderEntry; url: string }[], secret: string): string {
  const providers = mocks
    .map(
      ({ entry, url }) => `  - id: p-${entry.kind}
    kind: ${entry.kind}
    base_url: ${url}
    api_key: ${secret}
    timeouts: { connect_ms: 2000, first_byte_ms: 5000, total_ms: 15000 }
${entry.extra ?? ""}`,
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
`;
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

export type SurfaceDriver = {
  name: string;
  run(
    tg: TestGateway,
    key: string,
    model: string,
    opts: { stream: boolean; tools: boolean },
  ): Promise<Outcome>;
};
