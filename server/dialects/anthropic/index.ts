import {
  type ProviderDialectCodec,
  type SurfaceDialectCodec,
  statefulDecoder,
} from "../../core/translate.ts";
import { decodeMessagesRequest } from "./decode-request.ts";
import { decodeMessagesResponse, messagesStreamState, messagesStreamStep } from "./decode-response.ts";
import { encodeMessagesRequest, forwardMessagesRequest } from "./encode-request.ts";
import { encodeMessagesResponse, messagesStreamEncoder } from "./encode-response.ts";
import type { MessagesRequest } from "./schema.ts";

/** Anthropic Messages as a client speaks it: its request in, answers and events out. */
export const messagesSurface: SurfaceDialectCodec<MessagesRequest> = {
  dialect: "anthropic-messages",
  decodeRequest: decodeMessagesRequest,
  encodeResponse: encodeMessagesResponse,
  streamEncoder: messagesStreamEncoder,
};

/** Anthropic Messages as an upstream speaks it: requests out, its answers and events in. */
export const anthropicDialect: ProviderDialectCodec = {
  dialect: "anthropic-messages",
  forwardRequest: forwardMessagesRequest,
  encodeRequest: encodeMessagesRequest,
  decodeResponse: decodeMessagesResponse,
  streamDecoder: () => statefulDecoder(messagesStreamState(), messagesStreamStep),
};
