import { expect, test } from "bun:test";
import { standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

/**
 * The caches pick up what another process committed in one place, as each request arrives
 * (http/cache-sync.ts): admin reads and writes, the model list and the billed routes all see
 * a CLI-style change on their next request, without syncing by hand.
 */
let tg: TestGateway;
withGateway(standardConfig, (_m: MockOpenAI, t) => {
  tg = t;
});

let generation = 1000;
/** What the CLI does: commit on its own connection, then bump the cache generation. */
async function elsewhere(sql: string, ...params: (string | number)[]): Promise<void> {
  await tg.sqlElsewhere(sql, ...params);
  await tg.sqlElsewhere(
    "INSERT INTO settings (key, value) VALUES ('cache_generation', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    String(++generation),
  );
}

test("an admin read and an admin write see a change another process committed", async () => {
  const c = await tg.client(1);
  await elsewhere("UPDATE api_keys SET name = 'renamed elsewhere' WHERE id = ?", c.keyId);
  await tg.elsewhereSeen();
  const k = await tg.admin<{ name: string }>("GET", `/keys/${c.keyId}`);
  expect(k.body.name).toBe("renamed elsewhere");

  await elsewhere("UPDATE models SET enabled = false WHERE id = 'vendor/slashed-model'");
  await tg.elsewhereSeen();
  const m = await tg.admin<{ enabled: boolean }>(
    "GET",
    `/models/${encodeURIComponent("vendor/slashed-model")}`,
  );
  expect(m.body.enabled).toBe(false);
  // A write validates against the synced catalog too: the model is there, and enabled again.
  const on = await tg.admin<{ enabled: boolean }>(
    "PATCH",
    `/models/${encodeURIComponent("vendor/slashed-model")}`,
    {
      enabled: true,
    },
  );
  expect(on.status).toBe(200);
  expect(on.body.enabled).toBe(true);
});

test("the model list without a key and a billed route see a model disabled elsewhere", async () => {
  const c = await tg.client(1);
  await elsewhere("UPDATE models SET enabled = false WHERE id = 'gpt-test'");
  await tg.elsewhereSeen();
  try {
    const list = (await (await fetch(`${tg.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).not.toContain("gpt-test");
    const res = await c.openai.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
      .catch((e: { status?: number }) => e);
    expect((res as { status?: number }).status).toBe(404);
  } finally {
    await elsewhere("UPDATE models SET enabled = true WHERE id = 'gpt-test'");
  }
  await tg.elsewhereSeen();
  const again = await c.openai.chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "user", content: "hi" }],
  });
  expect(again.choices[0]?.message.content).toBe("Hello from the mock upstream.");
});
