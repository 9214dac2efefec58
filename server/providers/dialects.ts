import type { Dialect } from "../core/dialect.ts";
import type { ProviderDialectCodec } from "../core/translate.ts";
import { anthropicDialect } from "../dialects/anthropic/index.ts";
import { geminiDialect } from "../dialects/gemini/index.ts";
import { gigachatCodec } from "../dialects/gigachat/index.ts";
import { openaiChatDialect } from "../dialects/openai-chat/index.ts";
import { yandexCodec } from "../dialects/yandex/index.ts";
import { GatewayError } from "../errors.ts";

/**
 * Decoders of the wire formats providers answer in, by dialect: a surface whose client
 * speaks another dialect reads the upstream answer through these. A provider kind with
 * its own wire format adds one line here.
 */
const CODECS: Partial<Record<Dialect, ProviderDialectCodec>> = {
  "openai-chat": openaiChatDialect,
  gigachat: gigachatCodec,
  yandex: yandexCodec,
  "anthropic-messages": anthropicDialect,
  gemini: geminiDialect,
};

export function providerDialect(d: Dialect): ProviderDialectCodec {
  const c = CODECS[d];
  if (!c)
    throw new GatewayError("internal", `No decoder for the ${d} wire format.`, { code: "internal_error" });
  return c;
}
