import { type ProviderDialectCodec, statefulDecoder } from "../../core/translate.ts";
import { decodeYandexResponse, type YandexStreamState, yandexStreamStep } from "./decode-response.ts";
import { encodeYandexRequest } from "./encode-request.ts";

/**
 * Yandex Foundation Models text generation (POST /foundationModels/v1/completion), per the
 * REST reference (yandex-cloud/docs, TextGeneration/completion) and cloudapi's
 * text_common.proto:
 * - body {modelUri, completionOptions {stream, temperature 0..1, maxTokens (int64 as
 *   text), reasoningOptions}, messages [{role, text | toolCallList | toolResultList}],
 *   tools [{function {name, description, parameters, strict}}], jsonObject | jsonSchema,
 *   parallelToolCalls, toolChoice {mode | functionName}};
 * - tool results go back in an assistant message's toolResultList (as the function-call
 *   guide shows), arguments are JSON objects, calls carry no ids;
 * - the answer is {result: {alternatives [{message, status}], usage {inputTextTokens,
 *   completionTokens, totalTokens} (int64 as text), modelVersion}};
 * - streaming is newline-delimited JSON of the same shape, each line carrying the whole
 *   text so far (not a delta) with status PARTIAL until a final status. The provider turns
 *   each line into one event whose `data` is the line.
 */
export const yandexCodec: ProviderDialectCodec = {
  dialect: "yandex",
  encodeRequest: encodeYandexRequest,
  decodeResponse: decodeYandexResponse,
  streamDecoder: () =>
    statefulDecoder<YandexStreamState>({ started: false, sent: "", finished: false }, yandexStreamStep),
};
