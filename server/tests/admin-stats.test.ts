import { expect, test } from "bun:test";
import type { StatsView } from "../admin/stats/model.ts";
import { standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;

withGateway(standardConfig, (m, t) => {
  mock = m;
  tg = t;
});

test("stats: today and the period sum the request log exactly; top models and keys; zero-filled series", async () => {
  const empty = await tg.admin<StatsView>("GET", "/stats");
  expect(empty.body.today).toMatchObject({ requests: 0, spend: 0, error_rate: 0 });
  expect(empty.body.daily).toHaveLength(30);
  expect(empty.body.hourly).toHaveLength(24);

  const c = await tg.client(10, { name: "stats key" });
  mock.always({ usage: { prompt_tokens: 1000, completion_tokens: 123 } });
  for (let i = 0; i < 3; i++)
    await c.openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
  // An upstream 400 is not retried (5xx would be, on another attempt): one logged error.
  mock.next({ status: 400 });
  await c.openai.chat.completions
    .create({ model: "gpt-test", messages: [{ role: "user", content: "fail" }] })
    .catch(() => null);

  const s = (await tg.admin<StatsView>("GET", "/stats?days=7")).body;
  // 3 x (1000 x 1 + 123 x 2) per 1M tokens = 3 x 0.001246
  expect(s.today).toMatchObject({
    requests: 4,
    errors: 1,
    input_tokens: 3000,
    output_tokens: 369,
    spend: 0.003738,
  });
  expect(s.today.error_rate).toBe(0.25);
  expect(s.period).toMatchObject({ requests: 4, spend: 0.003738, days: 7 });
  expect(s.daily).toHaveLength(7);
  expect(s.daily.at(-1)).toMatchObject({ requests: 4, spend: 0.003738 });
  expect(s.hourly.reduce((n, h) => n + h.requests, 0)).toBe(4);
  expect(s.top_models[0]).toMatchObject({ model: "gpt-test", requests: 4, spend: 0.003738 });
  expect(s.top_keys[0]).toMatchObject({ key_id: c.keyId, name: "stats key", requests: 4 });
  expect((await tg.admin("GET", "/stats?days=0")).status).toBe(400);
  // The key's last use is written with the log row; the admin views read it back.
  const key = (await tg.admin<{ last_used_at: string | null }>("GET", `/keys/${c.keyId}`)).body;
  expect(Date.parse(key.last_used_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
});
