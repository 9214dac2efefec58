/**
 * The wire formats the gateway speaks. A surface decodes one, a provider speaks one;
 * when they match, bytes pass through and usage is only tapped.
 */
export type Dialect =
  | "openai-chat"
  | "openai-responses"
  | "openai-embeddings"
  | "anthropic-messages"
  | "gemini";
