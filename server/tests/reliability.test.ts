import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { haConfig } from "../testing/ha-config.ts";
import { statusOf, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { countText } from "../tokens/count.ts";

let primary: MockOpenAI;
let secondary: MockOpenAI;
let tg: TestGateway;

beforeAll(async () => {
  primary = new MockOpenAI({ seed: 7 }).start();
  secondary = new MockOpenAI().start();
  tg = await TestGateway.start({
    config: haConfig(primary.url, secondary.url, { threshold: 3, recoveryMs: 400 }),
  });
});
afterAll(async () => {
  await tg.stop();
  primary.stop();
  secondary.stop();
});
beforeEach(() => {
  primary.reset();
  secondary.reset();
});
// Let breakers opened by one test recover before the next.
afterEach(() => Bun.sleep(450));

type Attempt = {
  provider: string;
  model: string;
  status: number | null;
  error?: string;
  retry?: boolean;
  publicModel?: string;
};
type Row = {
  id: string;
  status: number;
  outcome: string;
  cost: number;
  model: string;
  provider: string;
  attempts: Attempt[];
  input_tokens: number;
  output_tokens: number;
  error_code: string | null;
};
const rows = async (keyId: string) =>
  (await tg.admin<{ data: Row[] }>("GET", `/requests?key_id=${keyId}&limit=500`)).body.data;
const ask = (
  c: Awaited<ReturnType<TestGateway["client"]>>,
  model = "ha-model",
  extra: Record<string, unknown> = {},
) =>
  c.openai.chat.completions
    .create({ model, messages: [{ role: "user", content: "hi" }], ...extra } as never)
    .withResponse();

describe("failover to the next route", () => {
  test("primary 500: answered by the secondary; both attempts logged; only the answer billed", async () => {
    const c = await tg.client(1);
    primary.next({ status: 500 });
    const { data, response } = await ask(c);
    expect(data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    expect(response.headers.get("x-tollgate-route")).toBe("secondary:up-secondary");
    expect(response.headers.get("x-tollgate-model")).toBe("ha-model");
    const [row] = await rows(c.keyId);
    expect(row?.attempts.map((a) => [a.provider, a.status])).toEqual([
      ["primary", 502],
      ["secondary", 200],
    ]);
    expect(row).toMatchObject({ status: 200, provider: "secondary" });
    expect(row?.cost).toBeCloseTo((10 * 1 + 3 * 2) / 1e6, 12);
    const ledger = (await tg.admin<{ data: { kind: string }[] }>("GET", `/accounts/${c.accountId}/ledger`))
      .body.data;
    expect(ledger.filter((e) => e.kind === "charge")).toHaveLength(1);
  });

  test("primary 429 with Retry-After: the secondary answers, the primary rests until then", async () => {
    const c = await tg.client(1);
    primary.next({ status: 429, headers: { "retry-after": "1" } });
    expect((await ask(c)).response.headers.get("x-tollgate-route")).toBe("secondary:up-secondary");
    await ask(c);
    expect(primary.received).toHaveLength(1); // skipped while cooling
    await Bun.sleep(1100);
    expect((await ask(c)).response.headers.get("x-tollgate-route")).toBe("primary:up-primary");
  });

  test("primary hangs past its timeout: the secondary answers", async () => {
    const c = await tg.client(1);
    primary.next({ hang: true });
    const { response } = await ask(c);
    expect(response.headers.get("x-tollgate-route")).toBe("secondary:up-secondary");
    const [row] = await rows(c.keyId);
    expect(row?.attempts[0]).toMatchObject({ provider: "primary", status: 504, error: "upstream_timeout" });
  });

  test("primary refuses connections: the secondary answers", async () => {
    const c = await tg.client(1);
    const { response } = await ask(c, "dead-first");
    expect(response.headers.get("x-tollgate-route")).toBe("secondary:up-secondary");
    const [row] = await rows(c.keyId);
    expect(row?.attempts[0]).toMatchObject({
      provider: "refused",
      status: 502,
      error: "upstream_connection_failed",
    });
  });

  test("a stream that dies before its first event is retried on the next route", async () => {
    const c = await tg.client(1);
    primary.next({ dieBeforeFirstEvent: true });
    const stream = await c.openai.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta?.content ?? "";
    expect(text).toBe("Hello from the mock upstream.");
    expect((await rows(c.keyId))[0]?.attempts.map((a) => a.provider)).toEqual(["primary", "secondary"]);
  });

  test("a 4xx caused by the request is never retried", async () => {
    const c = await tg.client(1);
    primary.next({
      status: 400,
      errorBody: {
        error: {
          message: "bad temperature",
          type: "invalid_request_error",
          param: "temperature",
          code: null,
        },
      },
    });
    expect(await statusOf(ask(c))).toBe(400);
    expect(secondary.received).toHaveLength(0);
    expect((await rows(c.keyId))[0]?.attempts).toHaveLength(1);
  });
});

describe("retries, breakers, fallbacks, auto", () => {
  test("a single-route model is retried with backoff: two 500s then an answer", async () => {
    const c = await tg.client(1);
    primary.next({ status: 500 }, { status: 503 });
    const { data } = await ask(c, "solo");
    expect(data.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    const [row] = await rows(c.keyId);
    expect(row?.attempts.map((a) => [a.status, a.retry])).toEqual([
      [502, false],
      [502, true],
      [200, true],
    ]);
  });

  test("the breaker opens after the threshold (no more latency on the dead route) and closes after recovery", async () => {
    const c = await tg.client(1);
    primary.always({ status: 500 });
    for (let i = 0; i < 3; i++) await ask(c);
    expect(primary.received).toHaveLength(3);
    const cb = await (await fetch(`${tg.url}/health/circuit-breakers`)).json();
    expect(cb.circuit_breakers["primary:up-primary"]).toMatchObject({
      state: "open",
      failure_count: 3,
      failure_threshold: 3,
      recovery_timeout: 0.4,
    });
    for (let i = 0; i < 5; i++)
      expect((await ask(c)).response.headers.get("x-tollgate-route")).toBe("secondary:up-secondary");
    expect(primary.received).toHaveLength(3); // skipped while open
    const detailed = await (await fetch(`${tg.url}/health/detailed`)).json();
    expect(detailed.components.llm_services.details["primary:up-primary"]).toBe("unhealthy");
    expect(detailed.components.database.status).toBe("healthy");
    // Every answered request above was written through a group commit, each carrying at least one write.
    const commits = detailed.components.database.details;
    expect(commits.group_commits).toBeGreaterThan(0);
    expect(commits.group_commit_entries).toBeGreaterThanOrEqual(commits.group_commits);

    primary.always({});
    await Bun.sleep(450);
    expect((await ask(c)).response.headers.get("x-tollgate-route")).toBe("primary:up-primary"); // the half-open trial
    const after = await (await fetch(`${tg.url}/health/circuit-breakers`)).json();
    expect(after.circuit_breakers["primary:up-primary"].state).toBe("closed");
    const history = await (await fetch(`${tg.url}/health/history`)).json();
    expect(history.history.map((h: { message: string }) => h.message)).toEqual(
      expect.arrayContaining([
        "circuit breaker closed -> open",
        "circuit breaker open -> half_open",
        "circuit breaker half_open -> closed",
      ]),
    );
    expect(history.total_checks).toBeGreaterThanOrEqual(3);
  });

  test("fallback model: when every route of the model fails, the fallback answers, billed at its prices", async () => {
    const c = await tg.client(1);
    primary.always({ status: 500 });
    const { response } = await ask(c, "main-model");
    expect(response.headers.get("x-tollgate-model")).toBe("backup-model");
    expect(response.headers.get("x-tollgate-route")).toBe("secondary:up-backup");
    const [row] = await rows(c.keyId);
    expect(row?.model).toBe("backup-model");
    expect(row?.attempts.map((a) => a.publicModel)).toEqual([
      "main-model",
      "main-model",
      "main-model",
      "backup-model",
    ]);
    expect(row?.cost).toBeCloseTo((10 * 3 + 3 * 6) / 1e6, 12);
    primary.always({});
  });

  test('model "auto" picks the cheapest healthy model that supports the request', async () => {
    const c = await tg.client(1);
    const plain = await ask(c, "auto");
    expect(plain.response.headers.get("x-tollgate-model")).toBe("cheap-text");
    const tools = [{ type: "function", function: { name: "f", parameters: { type: "object" } } }];
    expect((await ask(c, "auto", { tools })).response.headers.get("x-tollgate-model")).toBe("mid-tools");
    const image = {
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
      ],
    };
    expect((await ask(c, "auto", image)).response.headers.get("x-tollgate-model")).toBe("vision-pro");
    const limited = await tg.client(1, { models: ["cheap-text"] });
    const err = await ask(limited, "auto", { tools }).catch(
      (e) => e as { status: number; error: { code: string } },
    );
    expect(err).toMatchObject({ status: 400, error: { code: "no_model_for_request" } });
    expect((await rows(c.keyId))[0]?.model).toBe("vision-pro");
  });
});

describe("streams and load", () => {
  test("a stream cut after 3 chunks: error event for the client, logged as such, billed for what was delivered", async () => {
    const c = await tg.client(1);
    primary.next({
      text: "one two three four five six seven eight",
      chunks: 8,
      dropAfterChunks: 3,
      omitUsage: true,
    });
    const stream = await c.openai.chat.completions.create({
      model: "ha-model",
      messages: [{ role: "user", content: "count" }],
      stream: true,
    });
    let delivered = "";
    type StreamError = { code?: string; error?: { code?: string } };
    let error = null as StreamError | null;
    try {
      for await (const ch of stream) delivered += ch.choices[0]?.delta?.content ?? "";
    } catch (e) {
      error = e as typeof error;
    }
    expect(delivered).toBe("one two three ");
    expect(error?.error?.code ?? error?.code).toBe("upstream_stream_interrupted");
    const [row] = await rows(c.keyId);
    expect(row).toMatchObject({
      outcome: "error",
      error_code: "upstream_stream_interrupted",
      provider: "primary",
    });
    expect(row?.output_tokens).toBe(countText(delivered));
    expect(row?.cost).toBeCloseTo((row!.input_tokens * 1 + row!.output_tokens * 2) / 1e6, 12);
  });

  test("1,000 requests at 50 concurrent while the primary fails 30% at random: no client error; ledger equals logged costs", async () => {
    const c = await tg.client(100);
    primary.always({ failRate: 0.3 });
    let next = 0;
    let errors = 0;
    let ok = 0;
    const worker = async () => {
      while (next < 1000) {
        next++;
        try {
          await c.openai.chat.completions.create({
            model: "ha-model",
            messages: [{ role: "user", content: "hi" }],
            max_tokens: 20,
          });
          ok++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    expect(errors).toBe(0);
    expect(ok).toBe(1000);
    // How often the primary is tried depends on when its breaker opens; what must hold is
    // that it did fail, and that every failure was answered by the secondary.
    expect(primary.failed).toBeGreaterThan(50);
    const failovers = await tg.sqlRow<{ n: number }>(
      "SELECT count(*) AS n FROM request_log WHERE key_id = ? AND provider = 'secondary'",
      c.keyId,
    );
    expect(failovers.n).toBeGreaterThanOrEqual(primary.failed);
    const all = await rows(c.keyId).then(
      async () =>
        (await tg.admin<{ data: Row[]; total: number }>("GET", `/requests?key_id=${c.keyId}&limit=500`)).body,
    );
    expect(all.total).toBe(1000);
    const sum = await tg.sqlRow<{ s: number; n: number }>(
      "SELECT sum(cost) AS s, count(*) AS n FROM request_log WHERE key_id = ?",
      c.keyId,
    );
    const charges = await tg.sqlRow<{ s: number; n: number }>(
      "SELECT sum(-amount) AS s, count(*) AS n FROM ledger WHERE account_id = ? AND kind = 'charge'",
      c.accountId,
    );
    expect(charges.n).toBe(1000);
    expect(charges.s).toBe(sum.s);
    const acct = (await tg.admin<{ balance: number; reserved: number }>("GET", `/accounts/${c.accountId}`))
      .body;
    expect(Math.round(acct.balance * 1e9)).toBe(100 * 1e9 - sum.s);
    expect(acct.reserved).toBe(0);
    primary.always({});
  });
});
