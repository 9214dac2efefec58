import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { haConfig } from "../testing/ha-config.ts";
import { PROVIDER_SECRET, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { spawnServer } from "../testing/process.ts";

let primary: MockOpenAI;
let secondary: MockOpenAI;

beforeAll(() => {
  primary = new MockOpenAI({ seed: 3 }).start();
  secondary = new MockOpenAI().start();
});
afterAll(() => {
  primary.stop();
  secondary.stop();
});

const sumOf = (
  families: ReturnType<typeof parsePrometheusTextFormat>,
  name: string,
  where: Record<string, string> = {},
) =>
  (families.find((f) => f.name === name)?.metrics ?? [])
    .filter((m) => Object.entries(where).every(([k, v]) => m.labels?.[k] === v))
    .reduce((s, m) => s + Number(m.value ?? 0), 0);

/** This parser drops a histogram's labels and counts, so a histogram's count is read from its _count series. */
const histogramCount = (text: string, name: string) =>
  [...text.matchAll(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\d+)$`, "gm"))].reduce(
    (s, m) => s + Number(m[1]),
    0,
  );

describe("/metrics", () => {
  test("parses as Prometheus text and its counters match the request log", async () => {
    const tg = await TestGateway.start({ config: haConfig(primary.url, secondary.url) });
    const c = await tg.client(10, { rpm_limit: 25 });
    // The key's limit is a fixed window per clock minute: the 28 calls below must all fall
    // in one window for the 26th to be refused, so a run late in a minute waits for the next.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 30_000) await Bun.sleep(60_000 - intoMinute + 50);
    primary.always({ failRate: 0.3 });
    for (let i = 0; i < 20; i++)
      await c.openai.chat.completions.create({
        model: "ha-model",
        messages: [{ role: "user", content: "hi" }],
      });
    const stream = await c.openai.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const _ of stream);
    await c.openai.chat.completions
      .create({ model: "nope", messages: [{ role: "user", content: "hi" }] })
      .catch(() => null);
    for (let i = 0; i < 6; i++)
      await c.openai.chat.completions
        .create({ model: "ha-model", messages: [{ role: "user", content: "hi" }] })
        .catch(() => null);

    expect(primary.failed).toBeGreaterThan(0);
    expect(secondary.received.length).toBe(primary.failed);
    const res = await fetch(`${tg.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const families = parsePrometheusTextFormat(text);
    expect(families.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "llm_requests_total",
        "llm_requests_duration_seconds",
        "tollgate_time_to_first_token_seconds",
        "tollgate_tokens_total",
        "tollgate_spend_total",
        "rate_limit_requests_total",
        "tollgate_upstream_attempts_total",
        "tollgate_upstream_retries_total",
        "tollgate_circuit_breaker_state",
      ]),
    );
    const log = await tg.sqlRow<{
      n: number;
      ok: number;
      limited: number;
      input: number;
      output: number;
      cost: number;
    }>(
      "SELECT count(*) AS n, sum(CASE WHEN status = 200 THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN status = 429 THEN 1 ELSE 0 END) AS limited, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost) AS cost FROM request_log WHERE key_id = ?",
      c.keyId,
    );
    expect(log.n).toBe(28);
    expect(sumOf(families, "llm_requests_total")).toBe(log.n);
    expect(sumOf(families, "llm_requests_total", { status: "200" })).toBe(log.ok);
    expect(sumOf(families, "llm_requests_total", { status: "429" })).toBe(log.limited);
    expect(sumOf(families, "rate_limit_requests_total")).toBe(log.limited);
    expect(log.limited).toBeGreaterThan(0);
    expect(sumOf(families, "tollgate_tokens_total", { kind: "input" })).toBe(log.input);
    expect(sumOf(families, "tollgate_tokens_total", { kind: "output" })).toBe(log.output);
    expect(sumOf(families, "tollgate_spend_total")).toBeCloseTo(log.cost / 1e9, 9);
    const attempts = (
      await tg.sql<{ attempts: string }>(
        "SELECT attempts FROM request_log WHERE key_id = ? AND attempts IS NOT NULL",
        c.keyId,
      )
    ).flatMap((r) => JSON.parse(r.attempts) as { status: number | null }[]);
    expect(attempts.some((a) => a.status !== 200)).toBe(true); // the primary did fail now and then
    expect(sumOf(families, "tollgate_upstream_attempts_total")).toBe(attempts.length);
    expect(sumOf(families, "tollgate_upstream_attempts_total", { outcome: "error" })).toBe(
      attempts.filter((a) => a.status !== 200).length,
    );
    expect(families.find((f) => f.name === "llm_requests_duration_seconds")?.type).toBe("HISTOGRAM");
    expect(histogramCount(text, "llm_requests_duration_seconds")).toBe(log.n);
    expect(histogramCount(text, "tollgate_time_to_first_token_seconds")).toBe(1);
    // Bounded label sets: no key ids unless enabled.
    expect(text).not.toContain(c.keyId);
    primary.always({});
    await tg.stop();
  });
});

describe("structured request logs and graceful shutdown", () => {
  test("one JSON line per request, no secrets, no prompt text unless turned on; SIGTERM lets a stream finish", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-obs-"));
    const cfgPath = join(dir, "tollgate.yaml");
    writeFileSync(cfgPath, haConfig(primary.url, secondary.url));
    const env = {
      TOLLGATE_DB: join(dir, "t.db"),
      TOLLGATE_CONFIG: cfgPath,
      TOLLGATE_ADMIN_TOKEN: "admin-token-for-this-test",
      TOLLGATE_SHUTDOWN_GRACE_S: "10",
    };
    const server = await spawnServer(env);
    const admin = (path: string, body: unknown) =>
      fetch(`${server.url}/admin/api${path}`, {
        method: "POST",
        headers: { authorization: "Bearer admin-token-for-this-test", "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const acct = await admin("/accounts", { name: "obs", balance: 1 });
    const key = await admin("/keys", { account_id: acct.id, name: "k" });
    const client = new OpenAI({ apiKey: key.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "the secret recipe is 42" }],
    });
    await Bun.sleep(100);
    const lines = server
      .stdout()
      .split("\n")
      .filter((l) => l.includes('"msg":"request"'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: "info",
      endpoint: "chat.completions",
      model: "ha-model",
      route: "primary:up-primary",
      status: 200,
      outcome: "ok",
      input_tokens: 10,
      key_id: key.id,
    });
    expect(line.request_id).toMatch(/^req_/);
    expect(server.stdout()).not.toContain("secret recipe");
    expect(server.stdout()).not.toContain(key.key);
    expect(server.stdout()).not.toContain(PROVIDER_SECRET);

    // A slow stream is in flight when SIGTERM arrives: it finishes and is billed before the exit.
    primary.next({ text: "a b c d e f g h i j", chunks: 10, chunkDelayMs: 100 });
    const stream = await client.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "count" }],
      stream: true,
    });
    server.proc.kill("SIGTERM");
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta?.content ?? "";
    expect(text).toBe("a b c d e f g h i j");
    expect(await server.proc.exited).toBe(0);
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(dir, "t.db"));
    const rows = db
      .query("SELECT outcome, stream, cost FROM request_log WHERE key_id = ? ORDER BY created_at")
      .all(key.id) as { outcome: string; stream: number; cost: number }[];
    db.close();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ outcome: "ok", stream: 1 });
    expect(rows[1]!.cost).toBeGreaterThan(0);

    // With logging.prompts on, the line carries the request text.
    writeFileSync(cfgPath, `${haConfig(primary.url, secondary.url)}logging: { prompts: true }\n`);
    const again = await spawnServer(env);
    const c2 = new OpenAI({ apiKey: key.key, baseURL: `${again.url}/v1`, maxRetries: 0 });
    await c2.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "the secret recipe is 42" }],
    });
    // A long request text is cut at 20,000 characters in the line.
    const long = "x".repeat(30_000);
    await c2.chat.completions.create({ model: "ha-model", messages: [{ role: "user", content: long }] });
    await Bun.sleep(100);
    expect(again.stdout()).toContain("secret recipe");
    const prompts = again
      .stdout()
      .split("\n")
      .flatMap((l) => (l.includes(long.slice(0, 100)) ? [JSON.parse(l).prompt as string] : []));
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toHaveLength(20_001);
    expect(prompts[0]!.endsWith("x…")).toBe(true);
    await again.stop();
  });
});
