import {
  type ProviderDialectCodec,
  type SurfaceDialectCodec,
  statefulDecoder,
} from "../../core/translate.ts";
import { decodeChatRequest } from "./decode-request.ts";
import { chatStreamEnd, chatStreamState, chatStreamStep, decodeChatResponse } from "./decode-response.ts";
import { encodeChatRequest, forwardChatRequest } from "./encode-request.ts";
import { chatStreamEncoder, encodeChatResponse } from "./encode-response.ts";
import type { ChatRequest } from "./schema.ts";

/** OpenAI chat completions as a client speaks it: its request in, answers and chunks out. */
export const chatSurface: SurfaceDialectCodec<ChatRequest> = {
  dialect: "openai-chat",
  decodeRequest: decodeChatRequest,
  encodeResponse: encodeChatResponse,
  streamEncoder: chatStreamEncoder,
};

/** OpenAI chat completions as an upstream speaks it: requests out, its answers and chunks in. */
export const openaiChatDialect: ProviderDialectCodec = {
  dialect: "openai-chat",
  forwardRequest: forwardChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  streamDecoder: () => statefulDecoder(chatStreamState(), chatStreamStep, chatStreamEnd),
};
