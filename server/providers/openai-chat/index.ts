import { type ProviderDialectCodec, statefulDecoder } from "../../core/translate.ts";
import { chatStreamEnd, chatStreamState, chatStreamStep, decodeChatResponse } from "./decode.ts";
import { encodeChatRequest } from "./encode.ts";

/** The OpenAI chat completions wire format as a provider speaks it. */
export const openaiChatDialect: ProviderDialectCodec = {
  dialect: "openai-chat",
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  streamDecoder: () => statefulDecoder(chatStreamState(), chatStreamStep, chatStreamEnd),
};
