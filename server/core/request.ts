/**
 * The canonical request every inbound dialect decodes into and every provider encodes
 * from, when the two dialects differ. Strict, internal types (wire schemas live in
 * dialects/<dialect>/schema.ts). One choice only: `n > 1` across dialects is refused by
 * the client's dialect.
 */

export type ImageSource = { kind: "url"; url: string } | { kind: "base64"; mediaType: string; data: string };

export type TextPart = { type: "text"; text: string };
export type ImagePart = { type: "image"; source: ImageSource; detail?: "auto" | "low" | "high" };
/** A call the assistant made. `arguments` is the JSON text exactly as produced. */
export type ToolCallPart = { type: "tool_call"; id: string; name: string; arguments: string };
/** The result of a tool call, sent back by the client. */
export type ToolResultPart = {
  type: "tool_result";
  toolCallId: string;
  content: (TextPart | ImagePart)[];
  isError?: boolean;
};
/** Reasoning the model showed (Anthropic thinking blocks, OpenAI reasoning text). */
export type ThinkingPart = { type: "thinking"; text: string; signature?: string };

export type CorePart = TextPart | ImagePart | ToolCallPart | ToolResultPart | ThinkingPart;

export type CoreMessage =
  | { role: "user"; parts: (TextPart | ImagePart | ToolResultPart)[] }
  | { role: "assistant"; parts: (TextPart | ToolCallPart | ThinkingPart | ImagePart)[] }
  | { role: "tool"; parts: ToolResultPart[] };

/** A function the model may call; `parameters` is a JSON Schema object. */
export type CoreTool = {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
};

export type CoreToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type CoreResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean };

export type CoreRequest = {
  /** The public model id the client asked for. */
  model: string;
  /** System and developer instructions, in order. */
  system: TextPart[];
  messages: CoreMessage[];
  tools: CoreTool[];
  toolChoice?: CoreToolChoice;
  parallelToolCalls?: boolean;
  /** max_tokens / max_output_tokens / maxOutputTokens; null when the client set none. */
  maxTokens: number | null;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop: string[];
  seed?: number;
  responseFormat?: CoreResponseFormat;
  stream: boolean;
  /** Reasoning hint (effort or a token budget); mapped where the target has an equivalent. */
  reasoning?: { effort?: "minimal" | "low" | "medium" | "high"; budgetTokens?: number };
  /** Output modalities asked for (e.g. ["image", "text"] for image models). */
  modalities?: ("text" | "image")[];
  imageConfig?: { aspectRatio?: string; imageSize?: string };
  user?: string;
  /**
   * Names of fields the decoder met that steer but do not change the answer and that no
   * canonical field carries (cache_control, metadata, beta flags...). The encoder adds the
   * ones its target cannot take; the list lands on the request's log row.
   */
  hints: string[];
};
