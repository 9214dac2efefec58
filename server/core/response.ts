import type { ImagePart, TextPart, ThinkingPart, ToolCallPart } from "./request.ts";
import type { Usage } from "./usage.ts";

export type StopReason = "stop" | "length" | "tool_calls" | "content_filter" | "refusal";

/** A complete answer in canonical form (one choice). */
export type CoreResponse = {
  id: string;
  /** The model id the upstream reported (the surface shows the public id where its dialect needs one). */
  model: string;
  created: number;
  content: (TextPart | ToolCallPart | ThinkingPart | ImagePart)[];
  stopReason: StopReason;
  usage: Usage | null;
};
