/**
 * Review (pre-existing, not from issue 16): the OpenAI chat tap takes any usage report as the
 * whole answer's (reportIsFinal is always true), so a report in an early chunk is billed even
 * when the upstream goes on generating after it.
 */

import { expect, test } from "bun:test";
import { countText } from "../../tokens/count.ts";
import { OpenAIChatTap } from "./tap.ts";

const chunk = (content: string, usage?: unknown) => ({
  data: JSON.stringify({
    id: "c",
    object: "chat.completion.chunk",
    created: 7,
    model: "up",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
    ...(usage === undefined ? {} : { usage }),
  }),
});

test("usage reported in the first chunk, then 500 chunks of output: the output is billed", () => {
  const tap = new OpenAIChatTap(false, "pub");
  tap.push(chunk("", { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 }));
  for (let i = 0; i < 500; i++) tap.push(chunk(` word${i}`));
  tap.push({ data: "[DONE]" });
  const produced = countText(tap.outputText());
  expect(produced).toBeGreaterThan(500);
  // Billed: 0 output tokens (the early report), though 500 words were forwarded after it.
  expect(tap.usage()?.outputTokens).toBeGreaterThanOrEqual(produced);
});
