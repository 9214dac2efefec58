/**
 * The wire formats the gateway speaks. A surface decodes one, a provider speaks one;
 * when they match, bytes pass through and usage is only tapped.
 */
export type Dialect =
  | "openai-chat"
  | "openai-responses"
  | "openai-embeddings"
  | "anthropic-messages"
  | "gemini"
  /** GigaChat's chat completions (functions / function_call, arguments as objects). */
  | "gigachat"
  /** Yandex Foundation Models completion (alternatives, toolCallList, NDJSON streaming). */
  | "yandex";
