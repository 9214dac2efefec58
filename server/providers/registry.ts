import { GatewayError } from "../errors.ts";
import { anthropicProvider } from "./anthropic/index.ts";
import { geminiProvider } from "./gemini/index.ts";
import { gigachatProvider } from "./gigachat/index.ts";
import { openaiProvider } from "./openai/index.ts";
import type { Provider } from "./provider.ts";
import { yandexProvider } from "./yandex/index.ts";

/** Provider kinds by name. Adding a kind is one file and one line here. */
const REGISTRY: Record<string, Provider> = {
  openai: openaiProvider,
  gigachat: gigachatProvider,
  yandex: yandexProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
};

export function providerFor(kind: string): Provider {
  const p = REGISTRY[kind];
  if (!p) {
    throw new GatewayError("unavailable", `Provider kind "${kind}" is not supported by this gateway.`, {
      code: "provider_unsupported",
    });
  }
  return p;
}
