import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { csvField, csvStream } from "../admin/exports/csv.ts";
import type { RequestView } from "../admin/requests/model.ts";
import { ADMIN_TOKEN, PROVIDER_SECRET, TestGateway } from "../testing/harness.ts";
import { blankLogRow } from "../testing/log-row.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";

/**
 * The request log that answers who, what and why: names of keys and accounts, a
 * status-class filter, search, the upstream's own status and message per failed attempt;
 * and CSV exports of the log and the ledger, streamed page by page.
 */
let mock: MockOpenAI;
let dead: ReturnType<typeof Bun.serve>;
let tg: TestGateway;
let acme: { accountId: string; keyId: string; key: string };
let globex: { accountId: string; keyId: string; key: string };

const chat = (key: string, model: string) =>
  fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Hello" }] }),
  });

const list = async (query: string) =>
  (await tg.admin<{ data: RequestView[]; total: number }>("GET", `/requests?${query}`)).body;

const csv = (path: string) =>
  fetch(`${tg.url}/admin/api/exports/${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

/** The body as sent: the byte order mark kept (res.text() would drop it). */
const body = async (res: Response) =>
  new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());

/** Rows of a CSV body (no quoted newlines in these tests), header first, without the BOM. */
const rows = (text: string) =>
  text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((l) => l !== "");

beforeAll(async () => {
  mock = new MockOpenAI().start();
  // An upstream that is overloaded, and says so with the provider's key in its message.
  dead = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () =>
      Response.json(
        { error: { message: `overloaded, retry later (key ${PROVIDER_SECRET})`, type: "overloaded_error" } },
        { status: 529 },
      ),
  });
  tg = await TestGateway.start({
    config: `
currency: USD
defaults: { rate_limits: { key_rpm: 100000 } }
routing: { max_attempts: 2 }
providers:
  - { id: busy, kind: openai, base_url: "http://127.0.0.1:${dead.port}/v1", api_key: ${PROVIDER_SECRET} }
  - { id: mock, kind: openai, base_url: "${mock.url}", api_key: sk-other-0123456789 }
models:
  - id: m-ok
    routes: [{ provider: mock, model: mock-model }]
    prices: { input: 1, output: 2 }
  - id: m-failover
    routes: [{ provider: busy, model: big, priority: 1 }, { provider: mock, model: mock-model, priority: 0 }]
    prices: { input: 1, output: 2 }
  - id: m-down
    routes: [{ provider: busy, model: big }]
    prices: { input: 1, output: 2 }
`,
  });
  const client = async (account: string, key: string) => {
    const accountId = await tg.account(account, "100");
    const k = await tg.key(accountId, { name: key });
    return { accountId, keyId: k.id, key: k.key };
  };
  acme = await client("Acme Corp", "acme backend");
  globex = await client("Globex", "=cmd|' /C calc'!A0");
  expect((await chat(acme.key, "m-ok")).status).toBe(200);
  expect((await chat(acme.key, "m-failover")).status).toBe(200);
  expect((await chat(globex.key, "m-down")).status).toBe(502);
  expect((await chat(globex.key, "no-such-model")).status).toBe(404);
  for (let i = 0; i < 100 && (await list("limit=1")).total < 4; i++) await Bun.sleep(20);
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  dead.stop(true);
});

describe("the request log answers who, what and why", () => {
  test("rows carry the names of their key and account, on the list and on the detail", async () => {
    const page = await list(`key_id=${acme.keyId}`);
    expect(page.data.map((r) => [r.key_name, r.account_name])).toEqual([
      ["acme backend", "Acme Corp"],
      ["acme backend", "Acme Corp"],
    ]);
    const one = (await tg.admin<RequestView>("GET", `/requests/${page.data[0]!.id}`)).body;
    expect([one.key_name, one.account_name]).toEqual(["acme backend", "Acme Corp"]);
  });

  test("a failed attempt keeps the upstream's own status and message, scrubbed of the key", async () => {
    const [down] = (await list(`model=m-down`)).data;
    expect(down!.status).toBe(502);
    expect(down!.attempts.length).toBe(2);
    for (const a of down!.attempts) {
      expect(a).toMatchObject({
        provider: "busy",
        status: 502,
        error: "upstream_error",
        upstreamStatus: 529,
      });
      expect(a.message).toContain("overloaded, retry later");
      expect(a.message).not.toContain(PROVIDER_SECRET);
    }
    const [failover] = (await list(`model=m-failover`)).data;
    expect(failover!.attempts.map((a) => [a.provider, a.status, a.upstreamStatus ?? null])).toEqual([
      ["busy", 502, 529],
      ["mock", 200, null],
    ]);
  });

  test("status class: errors only, 4xx, 5xx", async () => {
    const statuses = async (c: string) => (await list(`status_class=${c}`)).data.map((r) => r.status).sort();
    expect(await statuses("errors")).toEqual([404, 502]);
    expect(await statuses("4xx")).toEqual([404]);
    expect(await statuses("5xx")).toEqual([502]);
    expect((await tg.admin("GET", "/requests?status_class=3xx")).status).toBe(400);
  });

  test("search by request id, key name, account name or a pasted key", async () => {
    const ids = async (q: string) => (await list(`q=${encodeURIComponent(q)}`)).data.map((r) => r.key_id);
    const [one] = (await list(`key_id=${globex.keyId}`)).data;
    expect((await list(`q=${one!.id}`)).data.map((r) => r.id)).toEqual([one!.id]);
    expect(await ids("ACME back")).toEqual([acme.keyId, acme.keyId]);
    expect(await ids("globex")).toEqual([globex.keyId, globex.keyId]);
    expect(await ids(globex.key)).toEqual([globex.keyId, globex.keyId]);
    expect(await ids("nobody")).toEqual([]);
    // Combined with the other filters.
    expect((await list(`q=globex&status_class=4xx`)).data.map((r) => r.status)).toEqual([404]);
  });
});

describe("CSV exports", () => {
  test("the request log: names, exact amounts, the upstream's reasons, a formula kept as text", async () => {
    const res = await csv(`requests.csv?q=globex`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="tollgate-requests-.+\.csv"$/,
    );
    const text = await body(res);
    expect(text.startsWith("\uFEFFid,created_at,key_id,key_name,account_id,account_name,")).toBe(true);
    const [header, ...lines] = rows(text);
    expect(header!.split(",")).toContain("failed_attempts");
    expect(lines.length).toBe(2);
    // The key's name starts with "=": a spreadsheet gets it as text, quoted for its comma-free quote.
    expect(
      lines.every((l) => l.includes(`,"'=cmd|' /C calc'!A0",`) || l.includes(`,'=cmd|' /C calc'!A0,`)),
    ).toBe(true);
    const down = lines.find((l) => l.includes("m-down"))!;
    expect(down).toContain("busy/big 529: ");
    expect(down).not.toContain(PROVIDER_SECRET);

    const ok = rows(await (await csv(`requests.csv?key_id=${acme.keyId}&status_class=errors`)).text());
    expect(ok.length).toBe(1); // the header only: acme has no failed request
    const priced = rows(await (await csv(`requests.csv?model=m-ok`)).text());
    const cols = priced[0]!.split(",");
    const cells = priced[1]!.split(",");
    const cost = Number(cells[cols.indexOf("cost")]);
    const input = Number(cells[cols.indexOf("input_tokens")]);
    const output = Number(cells[cols.indexOf("output_tokens")]);
    // 1 and 2 USD per 1M tokens, printed exactly.
    expect(cells[cols.indexOf("cost")]).toBe(String((input * 1 + output * 2) / 1e6));
    expect(cost).toBeGreaterThan(0);
    expect(cells[cols.indexOf("currency")]).toBe("USD");
    expect(cells[cols.indexOf("key_name")]).toBe("acme backend");
  });

  test("the ledger: one account's entries in commit order, balance after each, in a time range", async () => {
    const id = await tg.account("Ledger Co", "10");
    for (const amount of ["1.5", "0.000000001", "2"])
      expect(
        (await tg.admin("POST", `/accounts/${id}/topups`, { amount, note: `top-up, ${amount}` })).status,
      ).toBe(200);
    const text = await (await csv(`ledger.csv?account_id=${id}`)).text();
    const [header, ...lines] = rows(text);
    expect(header).toBe(
      "id,created_at,account_id,account_name,kind,amount,balance_after,currency,key_id,key_name,request_id,model,note",
    );
    const pick = (l: string) => {
      const c = l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
      return [c[4], c[5], c[6], c[12]];
    };
    expect(lines.map(pick)).toEqual([
      ["topup", "10", "10", "Opening balance"],
      ["topup", "1.5", "11.5", '"top-up, 1.5"'],
      ["topup", "0.000000001", "11.500000001", '"top-up, 0.000000001"'],
      ["topup", "2", "13.500000001", '"top-up, 2"'],
    ]);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(rows(await (await csv(`ledger.csv?account_id=${id}&from=${future}`)).text())).toEqual([header!]);
    expect((await csv("ledger.csv?account_id=acc_missing")).status).toBe(404);
  });

  test("streamed: a large log arrives in many chunks, without a length, never built whole", async () => {
    const N = 25_000;
    const base = Date.now() - 3_600_000;
    // Through the group commit, so the rows land on whichever engine runs.
    const entries = [];
    for (let i = 0; i < N; i += 500)
      entries.push(
        tg.gw.commits.enqueue(
          Array.from({ length: Math.min(500, N - i) }, (_, j) => ({
            op: "request_log.insert" as const,
            row: {
              ...blankLogRow(`req_bulk_${String(i + j).padStart(6, "0")}`, base + i + j),
              keyId: acme.keyId,
              accountId: acme.accountId,
              endpoint: "chat",
              model: "bulk-model",
            },
          })),
        ),
      );
    await Promise.all(entries);
    const res = await csv("requests.csv?model=bulk-model");
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let chunks = 0;
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    const lines = rows(text);
    expect(lines.length).toBe(N + 1);
    // Bytes arrive as the pages are read (the client may merge a few per read).
    expect(chunks).toBeGreaterThan(1);
    // Newest first, each row once across the page boundaries.
    const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(",")));
    expect(new Set(ids).size).toBe(N);
    expect(ids[0]).toBe(`req_bulk_${String(N - 1).padStart(6, "0")}`);
    expect(ids.at(-1)).toBe("req_bulk_000000");
  });
});

describe("CSV writer", () => {
  test("fields: quoted when they must be, formulas kept as text, amounts and numbers as they are", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(42)).toBe("42");
    expect(csvField(true)).toBe("true");
    expect(csvField({ decimal: "-0.000000001" })).toBe("-0.000000001");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("-2")).toBe("'-2");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
  });

  test("a page is read only when the reader wants it; a reader that leaves stops the reading", async () => {
    let read = 0;
    let closed = false;
    function* pages() {
      try {
        for (let i = 0; i < 1000; i++) {
          read++;
          yield [i];
        }
      } finally {
        closed = true;
      }
    }
    const reader = csvStream(["n"], pages(), (n) => [n]).getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    expect(decoder.decode((await reader.read()).value)).toBe("\uFEFFn\r\n");
    expect(decoder.decode((await reader.read()).value)).toBe("0\r\n");
    expect(read).toBeLessThanOrEqual(2);
    await reader.cancel();
    expect(closed).toBe(true);
    expect(read).toBeLessThanOrEqual(2);
  });
});
