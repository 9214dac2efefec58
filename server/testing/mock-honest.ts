import type { Server } from "bun";
import { countPrompt, countText, promptTokens } from "../tokens/count.ts";

type ChatContent = string | { type: string; text?: string }[];

/**
 * An OpenAI-compatible chat upstream that bills honestly: the prompt counted with the o200k
 * tokenizer (as the gateway counts it), an answer of `answerTokens` tokens, cut at the
 * request's output cap (`max_completion_tokens`, else `max_tokens`) with finish_reason
 * "length", and usage that says exactly that. Non-streaming only. For measuring how much
 * of a balance reservations let clients spend.
 */
export class MockHonest {
  private server: Server<undefined> | null = null;
  /** Tokens of a complete answer (each " ok" is one token). */
  answerTokens = 100;
  /** Prompt tokens this upstream bills per image part (0: images are not sent in tests that leave it). */
  imageTokens = 0;
  /** Every request's output cap as received (null: none). */
  readonly caps: (number | null)[] = [];

  start(): this {
    this.server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => this.answer(req) });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server?.port}/v1`;
  }

  stop(): void {
    this.server?.stop(true);
  }

  /** The prompt tokens this upstream bills for a chat body, each image part at `imageTokens`. */
  static promptTokens(body: { messages: { content: ChatContent }[] }, imageTokens = 0): number {
    let images = 0;
    const texts = body.messages.map((m) => {
      if (typeof m.content === "string") return m.content;
      images += m.content.filter((p) => p.type === "image_url").length;
      return m.content.map((p) => p.text ?? "").join("");
    });
    return promptTokens(countPrompt(texts, images), imageTokens);
  }

  private async answer(req: Request): Promise<Response> {
    const body = (await req.json()) as {
      model: string;
      messages: { content: ChatContent }[];
      max_tokens?: number;
      max_completion_tokens?: number;
    };
    const cap = body.max_completion_tokens ?? body.max_tokens ?? null;
    this.caps.push(cap);
    const completion = cap === null ? this.answerTokens : Math.min(cap, this.answerTokens);
    const text = " ok".repeat(completion);
    const prompt = MockHonest.promptTokens(body, this.imageTokens);
    if (countText(text) !== completion) throw new Error("the answer is not one token per ' ok'");
    return Response.json({
      id: `chatcmpl-honest-${this.caps.length}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text },
          finish_reason: completion < this.answerTokens ? "length" : "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  }
}
