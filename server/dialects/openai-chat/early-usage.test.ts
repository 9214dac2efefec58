/**
 * A usage report followed by more output (an upstream that reports early, or a hostile one) is
 * not taken as the whole answer's: the larger of the report and our count of what was forwarded
 * is billed. The tap took every report as final before (0 output billed for 500 chunks).
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
  expect(tap.usage()?.outputTokens).toBeGreaterThanOrEqual(produced);
});

test("a final report after the output is billed as reported (no count)", () => {
  const tap = new OpenAIChatTap(false, "pub");
  for (let i = 0; i < 5; i++) tap.push(chunk(` word${i}`));
  tap.push({
    data: JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } }),
  });
  tap.push({ data: "[DONE]" });
  expect(tap.usage()?.outputTokens).toBe(3);
});
